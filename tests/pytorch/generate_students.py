#!/usr/bin/python3
"""Writes the PyTorch-made student fixtures read by MultiTeacher.Core.Tests (Models/ tests) and MultiTeacher.Cli.Tests.

Run with Debian's Python, which has torch:  /usr/bin/python3 tests/pytorch/generate_students.py
Each module is scripted (torch.jit.script) from a seeded, untrained nn.Module and saved with torch.jit.save; the files
are small (about 690 KB in all) and committed under tests/MultiTeacher.Core.Tests/Models/Fixtures/, so the tests need
no Python to read them (the test that checks PyTorch's accuracy of a trained student runs /usr/bin/python3 itself).

Trainable (on 1x28x28 data with 10 classes):
  student.pt            Flatten + Linear(784, 64) + ReLU + Linear(64, 10), as a class with its own forward
  student_bn.pt         a small cnn with BatchNorm2d (buffers: running statistics) and Dropout
  student_flat.pt       Linear(784, 32) + ReLU + Linear(32, 10) without a Flatten: needs input-layout=flat
Refused, each for one reason:
  no_parameters.pt      nothing to train (a fixed projection)
  frozen.pt             every parameter has requires_grad = False
  detached.pt           forward returns its logits detached from the graph
  argmax_head.pt        forward ends in an integer op (one-hot of the arg-max): no gradient reaches the parameters
  seven_classes.pt      returns (B, 7) logits
  two_outputs.pt        returns a tuple
  float64.pt            float64 parameters
  tied.pt               one weight under two names (an encoder and its transposed decoder)
  nan.pt                returns NaN logits
"""
import os

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "MultiTeacher.Core.Tests", "Models", "Fixtures")


class Student(nn.Module):
    def __init__(self, hidden: int = 64, classes: int = 10):
        super().__init__()
        self.flatten = nn.Flatten()
        self.hidden = nn.Linear(784, hidden)
        self.out = nn.Linear(hidden, classes)

    def forward(self, x):
        return self.out(torch.relu(self.hidden(self.flatten(x))))


class BatchNormStudent(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2))
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(4 * 13 * 13, 10)

    def forward(self, x):
        return self.head(self.dropout(torch.flatten(self.features(x), 1)))


class NoParameters(nn.Module):
    def forward(self, x):
        return torch.flatten(x, 1)[:, :10] * 2.0


class Detached(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))

    def forward(self, x):
        return self.net(x).detach()


class ArgmaxHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))

    def forward(self, x):
        return nn.functional.one_hot(self.net(x).argmax(1), 10).float()


class Tied(nn.Module):
    def __init__(self):
        super().__init__()
        self.encode = nn.Linear(784, 10, bias=False)
        self.decode = nn.Linear(10, 784, bias=False)
        self.decode.weight = self.encode.weight  # tied: shapes differ, so the decoder reads it transposed
        self.head = nn.Linear(784, 10)

    def forward(self, x):
        x = torch.flatten(x, 1)
        code = self.encode(x)
        return self.head(torch.matmul(code, self.decode.weight))


class NanLogits(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))

    def forward(self, x):
        return self.net(x) * float("nan")


class TwoOutputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Flatten(), nn.Linear(784, 16), nn.ReLU())
        self.head = nn.Linear(16, 10)

    def forward(self, x):
        features = self.body(x)
        return features, self.head(features)


def save(module, name):
    torch.jit.script(module).save(os.path.join(OUT, name))


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(11)
    save(Student(), "student.pt")
    torch.manual_seed(12)
    save(BatchNormStudent(), "student_bn.pt")
    torch.manual_seed(13)
    save(nn.Sequential(nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 10)), "student_flat.pt")

    save(NoParameters(), "no_parameters.pt")
    frozen = Student(hidden=8)
    for parameter in frozen.parameters():
        parameter.requires_grad_(False)
    save(frozen, "frozen.pt")
    save(Detached(), "detached.pt")
    save(ArgmaxHead(), "argmax_head.pt")
    save(Student(hidden=8, classes=7), "seven_classes.pt")
    save(TwoOutputs(), "two_outputs.pt")
    save(Student(hidden=8).double(), "float64.pt")
    save(Tied(), "tied.pt")
    save(NanLogits(), "nan.pt")
    print(f"wrote {len(os.listdir(OUT))} files to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
