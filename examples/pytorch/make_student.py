#!/usr/bin/python3
"""Defines a student in PyTorch and saves it, untrained, as TorchScript for `mt distill` to train.

  /usr/bin/python3 examples/pytorch/make_student.py [--out examples/pytorch/students/student.pt] [--kind mlp|cnn]
  ./mt distill --config examples/pytorch/distill.hocon --set multiteacher.distill.student=file:students/student.pt

- mlp: Flatten, 784-64-10 with ReLU (the same layers as the architecture string mlp:784-64-10, PyTorch's initialisation)
- cnn: a small CNN with batch norm and dropout, which no architecture string describes

`mt distill` trains the module's parameters with its own optimizer and loss and writes students/student.pt
(TorchScript: torch.jit.load runs it) and students/student.safetensors (its state_dict). Check it in PyTorch with
  /usr/bin/python3 examples/pytorch/make_student.py --eval runs/<id>/students/student.pt
"""
import argparse
import gzip
import os
import struct

import numpy as np
import torch
from torch import nn


class MlpStudent(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.hidden = nn.Linear(784, 64)
        self.out = nn.Linear(64, 10)

    def forward(self, x):
        return self.out(torch.relu(self.hidden(self.flatten(x))))


class CnnStudent(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 8, 3), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
                                      nn.Conv2d(8, 16, 3), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2))
        self.dropout = nn.Dropout(0.2)
        self.head = nn.Linear(16 * 5 * 5, 10)

    def forward(self, x):
        return self.head(self.dropout(torch.flatten(self.features(x), 1)))


def read_idx(path):
    with open(path, "rb") as f:
        blob = f.read()
    if blob[:2] == b"\x1f\x8b":
        blob = gzip.decompress(blob)
    dims = blob[3]
    shape = struct.unpack(">" + "I" * dims, blob[4:4 + 4 * dims])
    return np.frombuffer(blob[4 + 4 * dims:], dtype=np.uint8).reshape(shape)


def evaluate(path, data):
    x = torch.from_numpy(read_idx(os.path.join(data, "t10k-images-idx3-ubyte.gz")).astype(np.float32) / 255).reshape(-1, 1, 28, 28)
    y = torch.from_numpy(read_idx(os.path.join(data, "t10k-labels-idx1-ubyte.gz")).astype(np.int64))
    module = torch.jit.load(path).eval()
    with torch.no_grad():
        predicted = torch.cat([module(x[i:i + 256]).argmax(1) for i in range(0, len(x), 256)])
    print(f"{path}: PyTorch test accuracy {(predicted == y).double().mean().item():.2%}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(here, "students", "student.pt"))
    parser.add_argument("--kind", choices=["mlp", "cnn"], default="mlp")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--eval", metavar="TORCHSCRIPT", help="print PyTorch's test accuracy of a (trained) TorchScript student instead")
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    args = parser.parse_args()
    if args.eval:
        evaluate(args.eval, args.data)
        return

    torch.manual_seed(args.seed)
    student = MlpStudent() if args.kind == "mlp" else CnnStudent()
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.jit.script(student).save(args.out)
    print(f"wrote {args.out}: {sum(p.numel() for p in student.parameters()):,} parameters")


if __name__ == "__main__":
    main()
