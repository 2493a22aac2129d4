#!/usr/bin/python3
"""Writes the golden files that prove MultiTeacher.Core, on TorchSharp, computes what PyTorch computes.

Regenerate (needs Debian's python3-torch and numpy; the C# tests read the files, they do not run this script):

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
  cross_entropy, distillation                  losses, and their gradients with respect to the student logits
  ensemble                                     mean / weighted / geometric of tempered teacher distributions
  optimizers                                   Adam / SGD steps (torch.optim, float32)
  cnn, mlp_dropout                             whole models: forward and every parameter gradient
  init                                         PyTorch's default initialisation after torch.manual_seed(seed)
  train_steps                                  three distillation steps of a student with dropout and Adam, in float32,
                                               from the seeded initialisation: forward, loss, backward, update, masks
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


TEMPERATURES = [1.0, 2.0, 4.0]


def cross_entropy():
    torch.manual_seed(21)
    z = randn32(5, 10, scale=2.0).requires_grad_(True)
    y = torch.tensor([3, 0, 9, 3, 7])
    loss = F.cross_entropy(z, y)
    loss.backward()
    save("cross_entropy", {"z": z, "labels": y.to(torch.float64), "loss": scalar(loss.item()), "dz": z.grad})


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
    "adam_no_bias_grad": lambda ps: torch.optim.Adam(ps),
}
OPTIMIZER_SETTINGS = {
    "adam": {"lr": 1e-3, "weight_decay": 0.0},
    "adam_wd": {"lr": 0.01, "weight_decay": 0.1},
    "sgd": {"lr": 0.1, "momentum": 0.0, "weight_decay": 0.0},
    "sgd_momentum": {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.0},
    "sgd_momentum_wd": {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01},
    # Step 2 gives the bias no gradient (None): torch.optim leaves it alone and counts its steps apart from the weight's.
    "adam_no_bias_grad": {"lr": 1e-3, "weight_decay": 0.0, "no_bias_grad_at_step": 2},
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
            no_grad_step = OPTIMIZER_SETTINGS[name].get("no_bias_grad_at_step")
            layer.bias.grad = None if step == no_grad_step else gb.clone()
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


INIT_CASES = [("cnn:8-16-32", 7), ("mlp:784-64-10?dropout=0.2", 11)]


def init():
    """PyTorch's default initialisation of each architecture right after torch.manual_seed(seed), in float32: the C#
    models draw the same numbers from a generator seeded alike."""
    tensors, metadata = {}, {}
    for arch, seed in INIT_CASES:
        torch.manual_seed(seed)
        model = build(arch)
        for name, p in model.state_dict().items():
            tensors[f"{arch}.{name}"] = p.detach().clone()
        metadata[arch] = str(seed)
    save("init", tensors, metadata)


TRAIN_ARCH, TRAIN_SEED, TRAIN_T, TRAIN_ALPHA, TRAIN_LR, TRAIN_STEPS = "mlp:784-32-10?dropout=0.2", 5, 2.0, 0.7, 1e-3, 3


def train_steps():
    """Three steps of DESIGN.md's distillation loss with Adam on a student with dropout, in float32, as MultiTeacher
    trains: torch.manual_seed(seed), build (the initialisation draws first), then every dropout mask comes from the same
    generator. Inputs, labels (two rows without one) and p̄ come from a separate generator."""
    g = torch.Generator().manual_seed(99)
    batch, classes = 16, 10
    x = torch.rand(batch, 784, generator=g)
    labels = torch.randint(0, classes, (batch,), generator=g)
    labels[3] = -1
    labels[11] = -1
    teachers = torch.randn(3, batch, classes, generator=g) * 3
    pbar = F.softmax(teachers / TRAIN_T, dim=2).mean(dim=0)
    torch.manual_seed(TRAIN_SEED)
    model = build(TRAIN_ARCH)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=TRAIN_LR)
    tensors = {"x": x, "labels": labels.to(torch.float32), "pbar": pbar}
    for step in range(1, TRAIN_STEPS + 1):
        optimizer.zero_grad()
        z = model(x)
        mask = labels >= 0
        ce = F.cross_entropy(z[mask], labels[mask], reduction="sum") / batch
        kd = F.kl_div(F.log_softmax(z / TRAIN_T, dim=1), pbar, reduction="batchmean") * TRAIN_T * TRAIN_T
        loss = (1 - TRAIN_ALPHA) * ce + TRAIN_ALPHA * kd
        loss.backward()
        optimizer.step()
        tensors[f"step{step}.logits"] = z.detach()
        tensors[f"step{step}.loss"] = scalar(loss.item())
    for name, p in model.state_dict().items():
        tensors[f"final.{name}"] = p.detach().clone()
    save("train_steps", tensors, {"arch": TRAIN_ARCH, "seed": str(TRAIN_SEED), "temperature": str(TRAIN_T),
                                  "alpha": str(TRAIN_ALPHA), "lr": str(TRAIN_LR), "steps": str(TRAIN_STEPS)})


def main():
    os.makedirs(OUT, exist_ok=True)
    for stale in ["dense", "conv2d_pad0", "conv2d_pad1", "conv2d_pad2_k5", "maxpool2d", "maxpool2d_ties", "relu", "flatten",
                  "dropout", "softmax", "kl_div"]:
        path = os.path.join(OUT, stale + ".safetensors")
        if os.path.exists(path):
            os.remove(path)
    cross_entropy()
    distillation()
    ensemble()
    optimizers()
    whole_model("cnn", "cnn:32-64-128", (2, 1, 28, 28), 30, train=True)
    whole_model("mlp_dropout", "mlp:784-64-10?dropout=0.2", (3, 784), 31, train=False)
    init()
    train_steps()
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"total {total} bytes")


if __name__ == "__main__":
    main()
