#!/usr/bin/python3
"""Writes the golden files that prove MultiTeacher.Core computes what PyTorch computes.

Regenerate (needs Debian's python3-torch and numpy; the C# tests themselves never need torch):

    /usr/bin/python3 tests/pytorch/generate_golden.py

then run `dotnet test tests/MultiTeacher.Core.Tests -c Release` and commit tests/MultiTeacher.Core.Tests/Golden/.
The output is deterministic (torch.manual_seed / numpy seeds; single-threaded torch), so a rerun on the same torch
version gives identical bytes.

Precision. Every input the C# side reads (x, weights, upstream gradients, logits, labels, targets) is drawn in float32
and stored as float32. References for layers, losses, ensembles and whole models are then computed in float64 *from
those float32 values* and cast to float32 at the end, so they are the exact answers (to float32 rounding) for the
inputs the C# tests use; the tests compare with explicit abs+rel tolerances. The optimizer steps are the exception:
they run PyTorch's own float32 optimizers (torch.optim.Adam / SGD), because the update rule in float32 is what the C#
optimizers reproduce.

Gradients use the usual trick: an upstream gradient `dout` is stored, `fakeloss = (out * dout).sum()` is
back-propagated, and the input and parameter gradients are stored.

The whole-model files (cnn:32-64-128, mlp:784-64-10?dropout=0.2) would be too large with their weights stored, so
their parameters come from a counter-based generator both sides implement (`golden_fill` here, `GoldenFill` in the
tests): element i of the t-th state_dict tensor is

    z = splitmix64(state = 1000 + t + (i + 1) * 0x9E3779B97F4A7C15)       (mod 2^64, the usual SplitMix64 output mix)
    value = float32(float32(z >> 40) * 2^-23 - 1) * float32(1 / sqrt(fan_in))

which is exact in float32 on both sides (only the last product rounds, identically in IEEE single precision), and
uniform in ±1/sqrt(fan_in) like PyTorch's default initialisation.

Files (tests/MultiTeacher.Core.Tests/Golden/*.safetensors; scalars are 1-element tensors, labels are float32 with
-1 for "no label"):
  dense, conv2d_pad0, conv2d_pad1, conv2d_pad2_k5, maxpool2d, maxpool2d_ties, relu, flatten, dropout   layers
  softmax, cross_entropy, kl_div, distillation, ensemble                                                  losses
  optimizers                                                                                              Adam / SGD
  cnn, mlp_dropout                                                                                        whole models
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "src", "python"))
from multiteacher_torch import build, write_safetensors  # noqa: E402

OUT = os.path.join(HERE, "..", "MultiTeacher.Core.Tests", "Golden")

torch.set_num_threads(1)


def f32(t):
    """A float32 numpy copy of a tensor."""
    return t.detach().to(torch.float32).cpu().numpy().copy()


def rand32(*shape, low=-1.0, high=1.0):
    """Uniform float32 values, returned as float64 tensors holding exactly those float32 values."""
    return (torch.rand(*shape, dtype=torch.float32) * (high - low) + low).to(torch.float64)


def randn32(*shape, scale=1.0):
    return (torch.randn(*shape, dtype=torch.float32) * scale).to(torch.float64)


def scalar(v):
    return np.array([v], dtype=np.float32)


def save(name, tensors, metadata=None):
    path = os.path.join(OUT, name + ".safetensors")
    write_safetensors(path, {k: (f32(v) if torch.is_tensor(v) else np.asarray(v, dtype=np.float32)) for k, v in tensors.items()},
                      metadata)
    print(f"{os.path.relpath(path)}: {os.path.getsize(path)} bytes")


def fake_backward(module, x, seed):
    """Forward in float64, then back-propagates a stored upstream gradient; returns out, dout, dx."""
    x = x.clone().requires_grad_(True)
    out = module(x)
    torch.manual_seed(seed)
    dout = randn32(*out.shape)
    (out * dout).sum().backward()
    return out, dout, x.grad


def layer_with_parameters(name, module, x, seed):
    """A layer whose float32 PyTorch initialisation is stored as its weights; references in float64."""
    module = module.double()
    out, dout, dx = fake_backward(module, x, seed)
    save(name, {"x": x, "weight": module.weight, "bias": module.bias, "out": out, "dout": dout, "dx": dx,
                "dweight": module.weight.grad, "dbias": module.bias.grad})


def layers():
    torch.manual_seed(1)
    layer_with_parameters("dense", nn.Linear(7, 5), rand32(4, 7), 11)

    torch.manual_seed(2)
    layer_with_parameters("conv2d_pad0", nn.Conv2d(3, 4, 3, padding=0), rand32(2, 3, 6, 6), 12)
    torch.manual_seed(3)
    layer_with_parameters("conv2d_pad1", nn.Conv2d(3, 4, 3, padding=1), rand32(2, 3, 6, 6), 13)
    # A non-square input, a 5x5 kernel and padding 2: every border case of im2col at once.
    torch.manual_seed(4)
    layer_with_parameters("conv2d_pad2_k5", nn.Conv2d(2, 3, 5, padding=2), rand32(2, 2, 5, 7), 14)

    torch.manual_seed(5)
    x = rand32(2, 3, 6, 6)
    out, dout, dx = fake_backward(nn.MaxPool2d(2), x, 15)
    save("maxpool2d", {"x": x, "out": out, "dout": dout, "dx": dx}, {"size": 2})

    # Ties: small integers, so most windows hold equal maxima (PyTorch sends the gradient to the first in row-major
    # order); one window of four equal values; 7x7 drops the last row and column (floor mode).
    torch.manual_seed(6)
    x = torch.randint(-1, 2, (2, 2, 7, 7)).to(torch.float64)
    x[0, 0, 0:2, 0:2] = 1.0
    x[1, 1, 2:4, 2:4] = -1.0
    out, dout, dx = fake_backward(nn.MaxPool2d(2), x, 16)
    save("maxpool2d_ties", {"x": x, "out": out, "dout": dout, "dx": dx}, {"size": 2})

    # ReLU with exact zeros: PyTorch's gradient at 0 is 0.
    torch.manual_seed(7)
    x = rand32(3, 8)
    x[0, 0] = 0.0
    x[1, 3] = 0.0
    x[2, 7] = -0.0
    out, dout, dx = fake_backward(nn.ReLU(), x, 17)
    save("relu", {"x": x, "out": out, "dout": dout, "dx": dx})

    torch.manual_seed(8)
    x = rand32(2, 3, 4, 4)
    out, dout, dx = fake_backward(nn.Flatten(), x, 18)
    save("flatten", {"x": x, "out": out, "dout": dout, "dx": dx})

    # Dropout: p = 0 in training mode and any p in evaluation mode are the identity, forward and backward.
    torch.manual_seed(9)
    x = rand32(4, 6)
    tensors = {"x": x}
    for label, p, train in [("p0_train", 0.0, True), ("p0_eval", 0.0, False), ("p05_eval", 0.5, False)]:
        module = nn.Dropout(p)
        module.train(train)
        out, dout, dx = fake_backward(module, x, 19)
        tensors[f"{label}.out"] = out
        tensors[f"{label}.dout"] = dout
        tensors[f"{label}.dx"] = dx
    save("dropout", tensors)


TEMPERATURES = [1.0, 2.0, 4.0]


def softmax():
    torch.manual_seed(20)
    z = randn32(4, 10, scale=3.0)
    z[3] += 80.0  # large logits: the max-subtraction must keep exp() finite
    tensors = {"z": z}
    for t in TEMPERATURES:
        tensors[f"T{t:g}.p"] = F.softmax(z / t, dim=1)
        tensors[f"T{t:g}.logp"] = F.log_softmax(z / t, dim=1)
    save("softmax", tensors)


def cross_entropy():
    torch.manual_seed(21)
    z = randn32(5, 10, scale=2.0).requires_grad_(True)
    y = torch.tensor([3, 0, 9, 3, 7])
    loss = F.cross_entropy(z, y)
    loss.backward()
    save("cross_entropy", {"z": z, "labels": y.to(torch.float64), "loss": scalar(loss.item()), "dz": z.grad})


def kl_div():
    torch.manual_seed(22)
    logq = F.log_softmax(randn32(4, 6, scale=2.0), dim=1).to(torch.float32).to(torch.float64).requires_grad_(True)
    p = F.softmax(randn32(4, 6, scale=2.0), dim=1)
    p[1, 2] = 0.0  # a zero target contributes 0 (PyTorch's convention), not NaN
    p = (p / p.sum(dim=1, keepdim=True)).to(torch.float32).to(torch.float64)
    loss = F.kl_div(logq, p, reduction="batchmean")
    loss.backward()
    save("kl_div", {"logq": logq, "p": p, "loss": scalar(loss.item()), "dlogq": logq.grad})


DISTILLATION_CASES = [(1.0, 0.0), (2.0, 0.5), (4.0, 0.9), (3.0, 1.0)]


def distillation():
    """L = (1-a) CE + a T^2 KL(pbar || softmax(zs/T)) with CE summed over labelled rows / B, for several (T, a)."""
    torch.manual_seed(23)
    batch, classes = 6, 10
    zs = randn32(batch, classes, scale=2.0)
    teachers = randn32(3, batch, classes, scale=3.0)
    labels = torch.tensor([1, 4, 4, 0, 9, 2])
    partial = torch.tensor([1, -1, 4, 0, -1, 2])  # rows 1 and 4 without a label
    tensors = {"zs": zs, "labels.all": labels.to(torch.float64), "labels.partial": partial.to(torch.float64)}
    for t, alpha in DISTILLATION_CASES:
        key = f"T{t:g}_a{alpha:g}"
        # p̄: mean of the teachers' tempered distributions, stored in float32 and used from there.
        pbar = F.softmax(teachers / t, dim=2).mean(dim=0).to(torch.float32).to(torch.float64)
        tensors[f"{key}.pbar"] = pbar
        for which, y in [("all", labels), ("partial", partial)]:
            z = zs.clone().requires_grad_(True)
            mask = y >= 0
            ce = F.cross_entropy(z[mask], y[mask], reduction="sum") / batch
            kd = F.kl_div(F.log_softmax(z / t, dim=1), pbar, reduction="batchmean") * t * t
            loss = (1 - alpha) * ce + alpha * kd
            loss.backward()
            tensors[f"{key}.{which}.loss"] = scalar(loss.item())
            tensors[f"{key}.{which}.ce"] = scalar(ce.item())
            tensors[f"{key}.{which}.kd"] = scalar(kd.item())
            tensors[f"{key}.{which}.dz"] = z.grad
    cases = ",".join(f"T{t:g}_a{a:g}" for t, a in DISTILLATION_CASES)
    save("distillation", tensors, {"cases": cases})


ENSEMBLE_WEIGHTS = [0.5, 1.0, 2.5]


def ensemble():
    torch.manual_seed(24)
    teachers = randn32(3, 4, 10, scale=3.0)
    w = torch.tensor(ENSEMBLE_WEIGHTS, dtype=torch.float64).view(3, 1, 1)
    tensors = {"z": teachers, "weights": w.view(3)}
    for t in TEMPERATURES:
        p = F.softmax(teachers / t, dim=2)
        logp = F.log_softmax(teachers / t, dim=2)
        tensors[f"T{t:g}.mean"] = p.mean(dim=0)
        tensors[f"T{t:g}.weighted"] = (w * p).sum(dim=0) / w.sum()
        tensors[f"T{t:g}.geometric"] = F.softmax((w * logp).sum(dim=0) / w.sum(), dim=1)
        tensors[f"T{t:g}.geometric_equal"] = F.softmax(logp.mean(dim=0), dim=1)
    save("ensemble", tensors)


OPTIMIZERS = {
    "adam": lambda ps: torch.optim.Adam(ps),
    "adam_wd": lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=0.1),
    "sgd": lambda ps: torch.optim.SGD(ps, lr=0.1),
    "sgd_momentum": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9),
    "sgd_momentum_wd": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
}
OPTIMIZER_SETTINGS = {
    "adam": {"lr": 1e-3, "weight_decay": 0.0},
    "adam_wd": {"lr": 0.01, "weight_decay": 0.1},
    "sgd": {"lr": 0.1, "momentum": 0.0, "weight_decay": 0.0},
    "sgd_momentum": {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.0},
    "sgd_momentum_wd": {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01},
}


def optimizers():
    """Three steps of each optimizer on a Dense(7->5) parameter set with fixed gradients, in float32."""
    torch.manual_seed(25)
    start = nn.Linear(7, 5)
    grads = [(torch.randn(5, 7), torch.randn(5)) for _ in range(3)]
    grads[2] = (grads[2][0] * 1e-3, grads[2][1] * 10)  # small and large gradients in one run
    for gw, gb in grads:
        gb[0] *= 1e-8  # sqrt(v) near eps: only the placement of eps in Adam's denominator decides this element
    tensors = {"weight": start.weight, "bias": start.bias}
    for step, (gw, gb) in enumerate(grads, 1):
        tensors[f"grad{step}.weight"] = gw
        tensors[f"grad{step}.bias"] = gb
    for name, make in OPTIMIZERS.items():
        layer = nn.Linear(7, 5)
        layer.load_state_dict(start.state_dict())
        optimizer = make(layer.parameters())
        for step, (gw, gb) in enumerate(grads, 1):
            optimizer.zero_grad()
            layer.weight.grad = gw.clone()
            layer.bias.grad = gb.clone()
            optimizer.step()
            tensors[f"{name}.step{step}.weight"] = layer.weight.detach().clone()
            tensors[f"{name}.step{step}.bias"] = layer.bias.detach().clone()
    save("optimizers", tensors, {name: json.dumps(s) for name, s in OPTIMIZER_SETTINGS.items()})


def golden_fill(t, count, fan_in):
    """Element i of the t-th state_dict tensor; see the module docstring (the C# tests implement the same)."""
    mask = np.uint64(0xFFFFFFFFFFFFFFFF)
    i = np.arange(count, dtype=np.uint64)
    z = (np.uint64(1000 + t) + (i + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)) & mask
    z = ((z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)) & mask
    z = ((z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)) & mask
    z = z ^ (z >> np.uint64(31))
    unit = (z >> np.uint64(40)).astype(np.float32) * np.float32(2.0 ** -23) - np.float32(1.0)
    return unit * np.float32(1.0 / math.sqrt(fan_in))


def fill_model(model):
    """Sets every parameter from golden_fill; bounds use the fan-in of the layer's weight."""
    fan_in = None
    for t, (name, p) in enumerate(model.state_dict().items()):
        if name.endswith("weight"):
            fan_in = int(np.prod(p.shape[1:]))
        values = golden_fill(t, p.numel(), fan_in).reshape(tuple(p.shape))
        p.copy_(torch.from_numpy(values.astype(np.float64) if p.dtype == torch.float64 else values))


def state_dict_layout(arch):
    return [[name, list(p.shape)] for name, p in build(arch).state_dict().items()]


def min_pool_gap(pre_pool):
    """Smallest gap between the largest and second largest value of any 2x2 window (floor mode). Exact ties (the
    zeros ReLU makes) do not count: float32 gives the same exact zeros, and both sides pick the first of them."""
    b, c, h, w = pre_pool.shape
    windows = pre_pool[:, :, : h // 2 * 2, : w // 2 * 2].reshape(b, c, h // 2, 2, w // 2, 2)
    windows = windows.permute(0, 1, 2, 4, 3, 5).reshape(-1, 4)
    top = windows.topk(2, dim=1).values
    gaps = top[:, 0] - top[:, 1]
    return gaps[gaps > 0].min().item()


def whole_model(name, arch, x_shape, seed, train):
    """Forward and backward of a whole model in float64 from float32 inputs and golden_fill weights."""
    model = build(arch).double()
    model.train(train)
    with torch.no_grad():
        fill_model(model)
    # The references are exact only if float32 arithmetic takes the same branches: no ReLU input near 0 and no
    # max-pool window with a near tie, or a rounding error would move a gradient to another element. Inputs are
    # drawn from seed, seed + 1000, ... until every margin exceeds 1e-5 (float32 errors here are around 1e-7).
    for attempt in range(100):
        torch.manual_seed(seed + 1000 * attempt)
        x = rand32(*x_shape, low=0.0, high=1.0)
        margins = []
        h = x
        with torch.no_grad():
            for module in model:
                if isinstance(module, nn.ReLU):
                    margins.append(("relu", h.abs().min().item()))
                if isinstance(module, nn.MaxPool2d):
                    margins.append(("pool", min_pool_gap(h)))
                h = module(h)
        if min(m for _, m in margins) > 1e-5:
            break
    else:
        raise AssertionError(f"{name}: no input with safe float32 margins found")
    logits = model(x)
    dlogits = randn32(*logits.shape)
    (logits * dlogits).sum().backward()

    tensors = {"x": x, "dlogits": dlogits, "logits": logits}
    for pname, p in model.named_parameters():
        tensors[f"grad.{pname}"] = p.grad
    metadata = {"arch": arch, "state_dict": json.dumps(state_dict_layout(arch)),
                "input_seed": str(seed + 1000 * attempt), "min_margin": f"{min(m for _, m in margins):.3g}"}
    if name == "cnn":
        # PyTorch's state_dict layout of the architectures the tests name, for the parameter-name tests.
        for a in ["cnn:32-64-128", "mlp:784-1200-1200-10", "mlp:784-1200-1200-10?dropout=0.2", "mlp:784-64-10",
                  "mlp:784-64-10?dropout=0.2"]:
            layout = state_dict_layout(a)
            metadata[f"state_dict.{a}"] = json.dumps(layout)
            metadata[f"params.{a}"] = str(sum(int(np.prod(s)) for _, s in layout))
    save(name, tensors, metadata)


def main():
    os.makedirs(OUT, exist_ok=True)
    layers()
    softmax()
    cross_entropy()
    kl_div()
    distillation()
    ensemble()
    optimizers()
    whole_model("cnn", "cnn:32-64-128", (2, 1, 28, 28), 30, train=True)
    whole_model("mlp_dropout", "mlp:784-64-10?dropout=0.2", (3, 784), 31, train=False)
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"total {total} bytes")


if __name__ == "__main__":
    main()
