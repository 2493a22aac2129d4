"""PyTorch side of `./mt bench nn --json`: the same models, batches and JSON fields.

Run with Debian's python3-torch:  /usr/bin/python3 tests/pytorch/bench_nn.py [--seconds 2] [--threads 2]

`mt bench nn --pytorch` sets OPENBLAS_CORETYPE to the best kernel for the CPU (Debian's OpenBLAS 0.3.21 takes some
current CPUs for old ones); this script checks a float32 product against float64 before measuring, and names the
OpenBLAS kernel it ran in the "gemm" field.
"""
import argparse
import ctypes
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "src", "python"))
from multiteacher_torch import build, input_shape  # noqa: E402

MODELS = ["mlp:784-1200-1200-10", "cnn:32-64-128", "mlp:784-64-10"]


def openblas_core():
    """The kernel OpenBLAS runs, read from the library loaded into this process (or 'no OpenBLAS')."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "openblas" in line.lower() and line.split()[-1].startswith("/")}
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return "OpenBLAS " + lib.openblas_get_corename().decode()
        except (OSError, AttributeError):
            continue
    return "no OpenBLAS"


def check_against_float64():
    """A product with the kernel in use must agree with float64; a wrong kernel would make the comparison meaningless."""
    g = torch.Generator().manual_seed(0)
    a, b = torch.rand(256, 784, generator=g), torch.rand(784, 1200, generator=g)
    exact = a.double() @ b.double()
    error = ((a @ b).double() - exact).abs().max().item() / exact.abs().max().item()
    if error > 1e-5:
        raise SystemExit(f"bench_nn.py: float32 matmul differs from float64 by {error:.3g} (relative): the BLAS kernel is broken here")
    return error


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
    check_against_float64()
    kernel = f"pytorch {torch.__version__}, {openblas_core()}"
    if "no OpenBLAS" in kernel:
        print("bench_nn.py: warning: PyTorch runs without OpenBLAS here (Debian's reference BLAS, libblas3, is tens of "
              "times slower): install libopenblas0-pthread for a meaningful comparison", file=sys.stderr)
    if os.environ.get("OPENBLAS_CORETYPE"):
        kernel += f" (OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']})"
    for name in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT"):
        if os.environ.get(name):
            kernel += f", {name}={os.environ[name]}"
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
                          "threads": args.threads, "gemm": kernel}), flush=True)


if __name__ == "__main__":
    main()
