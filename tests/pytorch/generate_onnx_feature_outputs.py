#!/usr/bin/python3
"""Writes the fixture of an ONNX teacher that serves intermediate outputs by output name (issue 20), read by
MultiTeacher.Core.Tests (Teachers/OnnxFeatureTests.cs).

Run with Debian's Python, which has numpy and torch:  /usr/bin/python3 tests/pytorch/generate_onnx_feature_outputs.py
Writes under tests/MultiTeacher.Core.Tests/Teachers/Fixtures/features/:
  cnn_features.onnx           an untrained seeded cnn whose graph has three outputs: logits (B, 10), conv (B, 4, 13, 13)
                              (the pooled convolution block) and hidden (B, 16)
  cnn_features.logits.npy     PyTorch's logits on the 32 images of ../inputs.npy
  cnn_features.conv.npy       PyTorch's conv output on the same images
  cnn_features.hidden.npy     PyTorch's hidden output on the same images
"""
import os

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "MultiTeacher.Core.Tests", "Teachers", "Fixtures")
OUT = os.path.join(FIXTURES, "features")


class CnnWithFeatures(nn.Module):
    """Returns its logits first and two intermediate values after, each a named output of the exported graph."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2))
        self.hidden = nn.Sequential(nn.Flatten(), nn.Linear(4 * 13 * 13, 16), nn.ReLU())
        self.head = nn.Linear(16, 10)

    def forward(self, x):
        conv = self.conv(x)
        hidden = self.hidden(conv)
        return self.head(hidden), conv, hidden


def main():
    os.makedirs(OUT, exist_ok=True)
    inputs = torch.from_numpy(np.load(os.path.join(FIXTURES, "inputs.npy")))
    names = ["logits", "conv", "hidden"]
    with torch.no_grad():
        torch.manual_seed(31)
        model = CnnWithFeatures().eval()
        torch.onnx.export(model, torch.zeros(2, 1, 28, 28), os.path.join(OUT, "cnn_features.onnx"), input_names=["input"],
                          output_names=names, dynamic_axes={n: {0: "batch"} for n in ["input"] + names}, opset_version=13)
        for name, value in zip(names, model(inputs)):
            np.save(os.path.join(OUT, f"cnn_features.{name}.npy"), np.ascontiguousarray(value.numpy()), allow_pickle=False)
    print(f"wrote cnn_features.* to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
