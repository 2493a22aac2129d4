"""The PyTorch twin of `mt train-teacher`: same architecture, recipe (Adam, lr 1e-3, batch 128) and inputs (pixels / 255).

  /usr/bin/python3 tests/pytorch/train_reference.py ARCH --seed S [--epochs 5] [--out FILE.safetensors]

Prints one JSON line per epoch with the test accuracy; --out saves the weights in MultiTeacher's format.
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "src", "python"))
from multiteacher_torch import build, input_shape, load_split, save  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("arch")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--out")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    shape = input_shape(args.arch)
    x_train, y_train = load_split(args.data, "train")
    x_test, y_test = load_split(args.data, "test")
    x_train, x_test = x_train.reshape(-1, *shape), x_test.reshape(-1, *shape)
    model = build(args.arch)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    accuracy = 0.0
    for epoch in range(1, args.epochs + 1):
        start = time.time()
        model.train()
        order = torch.randperm(len(y_train))
        for i in range(0, len(order), args.batch):
            idx = order[i:i + args.batch]
            opt.zero_grad()
            F.cross_entropy(model(x_train[idx]), y_train[idx]).backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            accuracy = sum((model(x_test[i:i + 1000]).argmax(1) == y_test[i:i + 1000]).sum().item()
                           for i in range(0, len(y_test), 1000)) / len(y_test)
        print(json.dumps({"arch": args.arch, "seed": args.seed, "epoch": epoch, "test_accuracy": accuracy,
                          "seconds": round(time.time() - start, 1)}), flush=True)
    if args.out:
        save(model, args.arch, args.out, {"seed": args.seed, "test_accuracy": accuracy})


if __name__ == "__main__":
    main()
