"""PyTorch side of `./mt bench nn --json`: the same models, batches and JSON fields.

Run with Debian's python3-torch:  /usr/bin/python3 tests/pytorch/bench_nn.py [--seconds 2] [--threads 2]
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "src", "python"))
from multiteacher_torch import build, input_shape  # noqa: E402

MODELS = ["mlp:784-1200-1200-10", "cnn:32-64-128", "mlp:784-64-10"]


def rate(step, batch, seconds):
    step()  # warm-up
    step()
    n, start = 0, time.perf_counter()
    while True:
        step()
        n += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return n * batch / elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--models", nargs="*", default=MODELS)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    for arch in args.models:
        model = build(arch)
        shape = input_shape(arch)
        x_inf = torch.rand(256, *shape)
        x_tr = torch.rand(128, *shape)
        y_tr = torch.randint(0, 10, (128,))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = torch.nn.CrossEntropyLoss()

        def infer():
            with torch.no_grad():
                model(x_inf)

        def train():
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x_tr), y_tr)
            loss.backward()
            opt.step()

        model.eval()
        inf = rate(infer, 256, args.seconds)
        model.train()
        tr = rate(train, 128, args.seconds)
        print(json.dumps({"model": arch, "params": sum(p.numel() for p in model.parameters()),
                          "infer_samples_per_s": round(inf, 1), "train_samples_per_s": round(tr, 1),
                          "threads": args.threads, "gemm": "pytorch " + torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
