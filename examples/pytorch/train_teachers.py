#!/usr/bin/python3
"""Trains two small Fashion-MNIST teachers in PyTorch and exports them for `mt distill`.

  /usr/bin/python3 examples/pytorch/train_teachers.py [--out examples/pytorch/teachers] [--epochs 3] [--train-rows N]

- an MLP (Flatten, 784-256-128-10), exported as TorchScript: teachers/mlp.pt (torch.jit.script)
- a small CNN (two 5x5 convolutions with batch norm), exported as ONNX: teachers/cnn.onnx (opset 13, dynamic batch)

Reads the IDX files of Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist, or --data), pixels / 255 as
`mt` reads them, and prints each teacher's test accuracy. Needs only Debian's python3-torch (numpy comes with it).
"""
import argparse
import gzip
import json
import os
import struct

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F


def read_idx(path):
    with open(path, "rb") as f:
        blob = f.read()
    if blob[:2] == b"\x1f\x8b":
        blob = gzip.decompress(blob)
    dims = blob[3]
    shape = struct.unpack(">" + "I" * dims, blob[4:4 + 4 * dims])
    return np.frombuffer(blob[4 + 4 * dims:], dtype=np.uint8).reshape(shape)


def load(data, split):
    prefix = "train" if split == "train" else "t10k"
    def find(kind, dims):
        for name in (f"{prefix}-{kind}-idx{dims}-ubyte.gz", f"{prefix}-{kind}-idx{dims}-ubyte"):
            if os.path.exists(os.path.join(data, name)):
                return os.path.join(data, name)
        raise FileNotFoundError(f"no {prefix}-{kind} IDX file in {data}")
    x = torch.from_numpy(read_idx(find("images", 3)).astype(np.float32) / 255).unsqueeze(1)  # (n, 1, 28, 28)
    y = torch.from_numpy(read_idx(find("labels", 1)).astype(np.int64))
    return x, y


class SmallCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 5, padding=2)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, 5, padding=2)
        self.bn2 = nn.BatchNorm2d(32)
        self.head = nn.Linear(32 * 7 * 7, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        return self.head(torch.flatten(x, 1))


def train(model, x, y, epochs, seed):
    torch.manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(x))
        for first in range(0, len(x), 128):
            rows = order[first:first + 128]
            optimizer.zero_grad()
            F.cross_entropy(model(x[rows]), y[rows]).backward()
            optimizer.step()
    model.eval()
    return model


@torch.no_grad()
def accuracy(model, x, y):
    return sum((model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item() for i in range(0, len(x), 1000)) / len(x)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "teachers"))
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--train-rows", type=int, default=None, help="train on the first N rows only (a quick trial)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)

    x, y = load(args.data, "train")
    x, y = x[:args.train_rows], y[:args.train_rows]
    test_x, test_y = load(args.data, "test")

    torch.manual_seed(1)
    mlp = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    train(mlp, x, y, args.epochs, seed=1)
    torch.jit.script(mlp).save(os.path.join(args.out, "mlp.pt"))

    torch.manual_seed(2)
    cnn = train(SmallCnn(), x, y, args.epochs, seed=2)
    torch.onnx.export(cnn, test_x[:2], os.path.join(args.out, "cnn.onnx"), input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}}, opset_version=13)

    result = {"mlp.pt": accuracy(mlp, test_x, test_y), "cnn.onnx": accuracy(cnn, test_x, test_y), "train_rows": len(x), "epochs": args.epochs}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
