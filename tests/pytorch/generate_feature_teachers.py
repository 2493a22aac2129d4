#!/usr/bin/python3
"""Writes the fixtures of the PyTorch features tried as teachers (issue 18's closing note), read by
MultiTeacher.Core.Tests (Teachers/FeatureTeacherTests.cs).

Run with Debian's Python, which has numpy and torch:  /usr/bin/python3 tests/pytorch/generate_feature_teachers.py
Every model is untrained and seeded, small (about 900 KB in all) and committed under
tests/MultiTeacher.Core.Tests/Teachers/Fixtures/features/, each with PyTorch's logits on the 32 images of
../inputs.npy (NAME.logits.npy) when it is expected to run.

Expected to run (logits equal PyTorch's):
  data_if.pt         scripted, an if on the data (the batch's mean pixel) choosing one of two heads
  while_loop.pt      scripted, a while loop whose trip count depends on the data
  ops.pt             scripted: LayerNorm, GELU, Conv1d over rows, AdaptiveAvgPool, softmax-weighted attention, an LSTM
  traced_if.pt       traced module with a data-dependent if: tracing froze one branch (PyTorch's behaviour, kept)
  mlp_opset9.onnx    the mlp of ../mlp.pt at ONNX opset 9 (Flatten, Gemm, Relu)
  cnn_opset11.onnx   a cnn with batch norm at opset 11
  cnn_opset17.onnx   the same cnn at opset 17
  ops_opset17.onnx   LayerNorm (a single op from opset 17 on), GELU, softmax at opset 17
Expected to be refused (the test checks the message):
  dict_output.pt     returns a dict
  int_input.onnx     an Embedding over int64 tokens: input not float32
  two_inputs.onnx    takes two inputs
  fixed_batch.onnx   exported without dynamic_axes: batch fixed to 2
"""
import os

import numpy as np
import torch
from torch import nn
from typing import Dict

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "MultiTeacher.Core.Tests", "Teachers", "Fixtures")
OUT = os.path.join(FIXTURES, "features")


class DataIf(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.dark = nn.Linear(784, 10)
        self.light = nn.Sequential(nn.Linear(784, 16), nn.ReLU(), nn.Linear(16, 10))

    def forward(self, x):
        x = self.flatten(x)
        if bool(x.mean() > 0.3):
            return self.light(x)
        return self.dark(x)


class WhileLoop(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.inp = nn.Linear(784, 24)
        self.step = nn.Linear(24, 24)
        self.head = nn.Linear(24, 10)

    def forward(self, x):
        h = torch.tanh(self.inp(self.flatten(x)))
        steps = 0
        while bool(h.abs().mean() > 0.05) and steps < 6:
            h = 0.5 * torch.tanh(self.step(h))
            steps += 1
        return self.head(h)


class Ops(nn.Module):
    """Rows of the image as a sequence of 28 tokens of 28 features."""

    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(28)
        self.conv = nn.Conv1d(28, 16, 3, padding=1)
        self.lstm = nn.LSTM(16, 16, batch_first=True)
        self.query = nn.Parameter(torch.randn(16))
        self.pool = nn.AdaptiveAvgPool1d(4)
        self.head = nn.Linear(16 + 16 * 4, 10)

    def forward(self, x):
        rows = self.norm(x.reshape(x.shape[0], 28, 28))                       # (B, 28 rows, 28)
        h = nn.functional.gelu(self.conv(rows.transpose(1, 2)))               # (B, 16, 28)
        seq, _ = self.lstm(h.transpose(1, 2))                                 # (B, 28, 16)
        weights = torch.softmax(seq @ self.query, dim=1)                      # (B, 28)
        attended = (weights.unsqueeze(2) * seq).sum(1)                        # (B, 16)
        return self.head(torch.cat([attended, self.pool(h).flatten(1)], 1))


class OnnxOps(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(784)
        self.hidden = nn.Linear(784, 32)
        self.head = nn.Linear(32, 10)

    def forward(self, x):
        h = nn.functional.gelu(self.hidden(self.norm(torch.flatten(x, 1))))
        return self.head(h * torch.softmax(h, dim=1))


class DictOutput(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))

    def forward(self, x) -> Dict[str, torch.Tensor]:
        return {"logits": self.net(x)}


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 13 * 13, 10))

    def forward(self, x):
        return self.net(x)


class TwoInputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Linear(784, 10)

    def forward(self, x, y):
        return self.net(torch.flatten(x, 1) + torch.flatten(y, 1))


def path(name):
    return os.path.join(OUT, name)


def onnx(model, example, name, opset, dynamic=True, input_names=("input",)):
    axes = {n: {0: "batch"} for n in list(input_names) + ["logits"]} if dynamic else None
    torch.onnx.export(model, example, path(name), input_names=list(input_names), output_names=["logits"], dynamic_axes=axes, opset_version=opset)


def logits(name, model, inputs):
    np.save(path(name + ".logits.npy"), np.ascontiguousarray(model(inputs).numpy()), allow_pickle=False)


def main():
    os.makedirs(OUT, exist_ok=True)
    inputs = torch.from_numpy(np.load(os.path.join(FIXTURES, "inputs.npy")))
    with torch.no_grad():
        torch.manual_seed(21)
        model = DataIf().eval()
        torch.jit.script(model).save(path("data_if.pt"))
        # The if looks at the whole batch's mean pixel: the logits compared are those of this one batch of 32.
        logits("data_if", model, inputs)

        torch.manual_seed(22)
        model = WhileLoop().eval()
        torch.jit.script(model).save(path("while_loop.pt"))
        logits("while_loop", model, inputs)

        torch.manual_seed(23)
        model = Ops().eval()
        torch.jit.script(model).save(path("ops.pt"))
        logits("ops", model, inputs)

        torch.manual_seed(24)
        model = DataIf().eval()
        torch.jit.trace(model, inputs).save(path("traced_if.pt"))
        logits("traced_if", torch.jit.trace(model, inputs), inputs)

        torch.manual_seed(1)
        mlp = nn.Sequential(nn.Flatten(), nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 10)).eval()
        onnx(mlp, torch.zeros(2, 1, 28, 28), "mlp_opset9.onnx", 9)
        logits("mlp_opset9", mlp, inputs)

        torch.manual_seed(25)
        cnn = Cnn().eval()
        for opset in (11, 17):
            onnx(cnn, torch.zeros(2, 1, 28, 28), f"cnn_opset{opset}.onnx", opset)
            logits(f"cnn_opset{opset}", cnn, inputs)

        torch.manual_seed(26)
        model = OnnxOps().eval()
        onnx(model, torch.zeros(2, 1, 28, 28), "ops_opset17.onnx", 17)
        logits("ops_opset17", model, inputs)

        torch.manual_seed(27)
        torch.jit.script(DictOutput().eval()).save(path("dict_output.pt"))
        embedding = nn.Sequential(nn.Embedding(256, 4), nn.Flatten(), nn.Linear(784 * 4, 10)).eval()
        onnx(embedding, torch.zeros(2, 784, dtype=torch.int64), "int_input.onnx", 13)
        onnx(TwoInputs().eval(), (torch.zeros(2, 1, 28, 28), torch.zeros(2, 1, 28, 28)), "two_inputs.onnx", 13, input_names=("x", "y"))
        onnx(mlp, torch.zeros(2, 1, 28, 28), "fixed_batch.onnx", 13, dynamic=False)

    print(f"wrote {len(os.listdir(OUT))} files to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
