#!/usr/bin/python3
"""Writes the PyTorch-made teacher fixtures read by MultiTeacher.Core.Tests (Teachers/ tests).

Run with Debian's Python, which has numpy and torch:  /usr/bin/python3 tests/pytorch/generate_teachers.py
The values are deterministic for one PyTorch version (TorchScript archives differ in metadata from run to run); the
files are small (about 750 KB in all) and committed under tests/MultiTeacher.Core.Tests/Teachers/Fixtures/, so the
tests need no Python.

Files (every model untrained, seeded; inputs are the first 32 Fashion-MNIST test images, pixels / 255):
  inputs.npy                  (32, 1, 28, 28) float32
  mlp.pt / mlp.onnx           Flatten + mlp 784-32-10 as TorchScript (scripted) and ONNX (input declared (N, 784))
  mlp.logits.npy              PyTorch's logits of the MLP on inputs.npy, (32, 10)
  cnn.pt / cnn.onnx           our cnn:4-8-16 as TorchScript (traced) and ONNX (input (N, 1, 28, 28))
  cnn.safetensors             the same cnn weights in our format (architecture in __metadata__)
  cnn.logits.npy              PyTorch's logits of the cnn, (32, 10)
  two_outputs.pt/.onnx        returns (features (N, 16), logits (N, 10)): needs `output = 1`
  two_outputs.logits.npy      its logits, (32, 10)
  seven_classes.pt            an MLP with 7 outputs: refused on 10-class data
  nan.pt                      an MLP whose outputs are NaN: refused
  rgb.pt / rgb.onnx           a cnn on 3x32x32 inputs: refused on 1x28x28 data (ONNX declares its input shape)
  branchy.pt                  scripted control flow (an if on the batch size and a loop): runs in TorchSharp
  rgb8.pt                     a cnn on 3x8x8 inputs with 5 classes, for the .npy data test of `mt distill`
"""
import os
import sys

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "src", "python"))
import multiteacher_torch as mt  # noqa: E402

OUT = os.path.join(HERE, "..", "MultiTeacher.Core.Tests", "Teachers", "Fixtures")
FASHION = "/usr/share/datasets/fashion-mnist"
OPSET = 13


class TwoOutputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Flatten(), nn.Linear(784, 16), nn.ReLU())
        self.head = nn.Linear(16, 10)

    def forward(self, x):
        features = self.body(x)
        return features, self.head(features)


class NanOutputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))

    def forward(self, x):
        return self.net(x) * float("nan")


class Branchy(nn.Module):
    """Scripted control flow: a data-independent if and a loop over layers."""

    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.layers = nn.ModuleList([nn.Linear(784, 24), nn.Linear(24, 24)])
        self.head = nn.Linear(24, 10)

    def forward(self, x):
        x = self.flatten(x)
        for layer in self.layers:
            x = torch.relu(layer(x))
        if x.shape[0] > 1000000:
            x = x * 0.0
        return self.head(x)


def save_npy(name, array):
    np.save(os.path.join(OUT, name), np.ascontiguousarray(array), allow_pickle=False)


def export_onnx(model, example, name, input_names=("input",), output_names=("logits",)):
    torch.onnx.export(model, example, os.path.join(OUT, name), input_names=list(input_names), output_names=list(output_names),
                      dynamic_axes={n: {0: "batch"} for n in list(input_names) + list(output_names)}, opset_version=OPSET)


def main():
    os.makedirs(OUT, exist_ok=True)
    images = mt.read_idx(os.path.join(FASHION, "t10k-images-idx3-ubyte.gz"))[:32].astype(np.float32) / 255
    inputs = torch.from_numpy(images.reshape(32, 1, 28, 28).copy())
    save_npy("inputs.npy", inputs.numpy())

    with torch.no_grad():
        torch.manual_seed(1)
        mlp = nn.Sequential(nn.Flatten(), nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 10)).eval()
        torch.jit.script(mlp).save(os.path.join(OUT, "mlp.pt"))
        flat_mlp = nn.Sequential(*list(mlp.children())[1:]).eval()
        export_onnx(flat_mlp, torch.zeros(2, 784), "mlp.onnx")
        save_npy("mlp.logits.npy", mlp(inputs).numpy())

        torch.manual_seed(2)
        cnn = mt.build("cnn:4-8-16").eval()
        torch.jit.trace(cnn, torch.zeros(2, 1, 28, 28)).save(os.path.join(OUT, "cnn.pt"))
        export_onnx(cnn, torch.zeros(2, 1, 28, 28), "cnn.onnx")
        mt.save(cnn, "cnn:4-8-16", os.path.join(OUT, "cnn.safetensors"), {"dataset": "fashion-mnist"})
        save_npy("cnn.logits.npy", cnn(inputs).numpy())

        torch.manual_seed(3)
        two = TwoOutputs().eval()
        torch.jit.script(two).save(os.path.join(OUT, "two_outputs.pt"))
        export_onnx(two, torch.zeros(2, 1, 28, 28), "two_outputs.onnx", output_names=("features", "logits"))
        save_npy("two_outputs.logits.npy", two(inputs)[1].numpy())

        torch.manual_seed(4)
        torch.jit.script(nn.Sequential(nn.Flatten(), nn.Linear(784, 7)).eval()).save(os.path.join(OUT, "seven_classes.pt"))
        torch.jit.script(NanOutputs().eval()).save(os.path.join(OUT, "nan.pt"))

        torch.manual_seed(5)
        rgb = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 15 * 15, 10)).eval()
        torch.jit.script(rgb).save(os.path.join(OUT, "rgb.pt"))
        export_onnx(rgb, torch.zeros(2, 3, 32, 32), "rgb.onnx")

        torch.manual_seed(6)
        branchy = Branchy().eval()
        torch.jit.script(branchy).save(os.path.join(OUT, "branchy.pt"))
        save_npy("branchy.logits.npy", branchy(inputs).numpy())

        torch.manual_seed(7)
        rgb8 = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 5)).eval()
        torch.jit.script(rgb8).save(os.path.join(OUT, "rgb8.pt"))

    print(f"wrote {len(os.listdir(OUT))} files to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
