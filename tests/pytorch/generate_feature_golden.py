#!/usr/bin/python3
"""Writes the golden file of the feature-distillation losses (issue 20): tests/MultiTeacher.Core.Tests/Golden/features.safetensors.

Regenerate (Debian's python3-torch and numpy; the C# tests read the file, they do not run this script):

    /usr/bin/python3 tests/pytorch/generate_feature_golden.py

Same conventions as generate_golden.py: inputs drawn in float32 and stored as float32, references computed in float64
from those float32 values, gradients by back-propagating the loss itself (a scalar), single-threaded and seeded, so a
rerun gives identical bytes.

Losses (B = batch; the student's and the teacher's features of one sample):
  attention  a(F) = mean_c |F_c|^p over channels (B, H, W); when the student's (Hs, Ws) differs from the teacher's
             (Ht, Wt) the student's map is resized to (Ht, Wt) by bilinear interpolation (align_corners=False);
             flattened, each row L2-normalised (F.normalize, eps 1e-12);
             loss = (1/B) sum_b || a_s[b]/||a_s[b]|| - a_t[b]/||a_t[b]|| ||_2
             This is Eq. (2) of Zagoruyko & Komodakis (2017) averaged over the batch, torchdistill's ATLoss with
             mode='paper' (which sums the per-sample norms and divides by the batch size). The authors' code (and
             torchdistill's default mode='code') uses mean((a_s - a_t)^2) over batch and positions instead.
  hint       loss = mean((adapter(F_s) - F_t)^2) over every element (F.mse_loss), adapter = Conv2d(Cs, Ct, 1) for
             (B, C, H, W) features or Linear(Ds, Dt) for (B, D) features (FitNets, Romero et al. 2015).
  several teachers: sum_k w_k L(F_s, F_t,k) / sum_k w_k.

Keys: <case>.s (student feature), <case>.t (teacher feature), <case>.t.map (the teacher's attention map a(F_t), before
normalisation, as a teacher sends it), <case>.loss, <case>.ds (d loss / d student feature), and for hints
<case>.adapter.weight / .bias and their gradients <case>.adapter.dweight / .dbias; model.x and model.<layer>: the
named intermediate outputs of a seeded cnn:8-16-32.
"""
import os
import sys

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "src", "python"))
from generate_golden import OUT, rand32, randn32, save, scalar  # noqa: E402
from multiteacher_torch import build  # noqa: E402

torch.set_num_threads(1)


def attention_map(feature, p):
    return feature.abs().pow(p).mean(dim=1)  # (B, H, W)


def attention_loss(fs, ft, p):
    a_s = attention_map(fs, p)
    a_t = attention_map(ft, p)
    if a_s.shape[1:] != a_t.shape[1:]:
        a_s = F.interpolate(a_s.unsqueeze(1), size=a_t.shape[1:], mode="bilinear", align_corners=False).squeeze(1)
    a_s = F.normalize(a_s.flatten(1), dim=1)
    a_t = F.normalize(a_t.flatten(1), dim=1)
    return (a_s - a_t).norm(dim=1).mean()


ATTENTION_CASES = {
    # name: (student shape, teacher shape, p)
    "attention.same": ((4, 8, 6, 6), (4, 16, 6, 6), 2.0),
    "attention.p1": ((4, 8, 6, 6), (4, 16, 6, 6), 1.0),
    "attention.p3": ((4, 8, 6, 6), (4, 16, 6, 6), 3.0),
    "attention.up": ((4, 8, 5, 5), (4, 16, 11, 11), 2.0),
    "attention.down": ((4, 8, 11, 11), (4, 16, 5, 5), 2.0),
    "attention.wide": ((3, 4, 4, 7), (3, 2, 6, 5), 2.0),
}


def attention(tensors, meta):
    torch.manual_seed(31)
    for name, (s_shape, t_shape, p) in ATTENTION_CASES.items():
        fs = randn32(*s_shape).requires_grad_(True)
        ft = randn32(*t_shape, scale=2.0)
        loss = attention_loss(fs, ft, p)
        loss.backward()
        tensors.update({f"{name}.s": fs, f"{name}.t": ft, f"{name}.t.map": attention_map(ft, p),
                        f"{name}.loss": scalar(loss.item()), f"{name}.ds": fs.grad})
        meta[f"{name}.p"] = f"{p:g}"


def hint(tensors):
    torch.manual_seed(32)
    cases = {
        "hint.conv": ((4, 8, 5, 5), (4, 16, 5, 5), (16, 8, 1, 1)),
        "hint.linear": ((4, 32), (4, 20), (20, 32)),
    }
    for name, (s_shape, t_shape, w_shape) in cases.items():
        fs = randn32(*s_shape).requires_grad_(True)
        ft = randn32(*t_shape)
        weight = rand32(*w_shape, low=-0.3, high=0.3).requires_grad_(True)
        bias = rand32(w_shape[0], low=-0.3, high=0.3).requires_grad_(True)
        adapted = F.conv2d(fs, weight, bias) if len(s_shape) == 4 else F.linear(fs, weight, bias)
        loss = F.mse_loss(adapted, ft)
        loss.backward()
        tensors.update({f"{name}.s": fs, f"{name}.t": ft, f"{name}.adapter.weight": weight, f"{name}.adapter.bias": bias,
                        f"{name}.loss": scalar(loss.item()), f"{name}.ds": fs.grad,
                        f"{name}.adapter.dweight": weight.grad, f"{name}.adapter.dbias": bias.grad})


def several_teachers(tensors, meta):
    """Attention toward two teachers of other widths and sizes, combined with ensemble weights 1 and 3."""
    torch.manual_seed(33)
    weights = [1.0, 3.0]
    fs = randn32(4, 8, 6, 6).requires_grad_(True)
    teachers = [randn32(4, 16, 6, 6), randn32(4, 32, 3, 3, scale=0.5)]
    losses = [attention_loss(fs, ft, 2.0) for ft in teachers]
    loss = sum(w * l for w, l in zip(weights, losses)) / sum(weights)
    loss.backward()
    tensors.update({"several.s": fs, "several.t0": teachers[0], "several.t1": teachers[1],
                    "several.loss0": scalar(losses[0].item()), "several.loss1": scalar(losses[1].item()),
                    "several.loss": scalar(loss.item()), "several.ds": fs.grad})
    meta["several.weights"] = ",".join(f"{w:g}" for w in weights)


MODEL_ARCH, MODEL_SEED, MODEL_LAYERS = "cnn:8-16-32", 7, ["0", "3", "5", "7", "9"]


def model_features(tensors, meta):
    """Named intermediate outputs (state_dict module names of nn.Sequential) of cnn:8-16-32 after
    torch.manual_seed(7) (the C# model draws the same initial weights), evaluation mode, float64 from float32 inputs."""
    torch.manual_seed(MODEL_SEED)
    model = build(MODEL_ARCH).double().eval()
    x = rand32(3, 1, 28, 28, low=0.0, high=1.0)
    outputs, h = {}, x
    with torch.no_grad():
        for name, layer in model.named_children():
            h = layer(h)
            outputs[name] = h
    tensors["model.x"] = x
    for name in MODEL_LAYERS:
        tensors[f"model.{name}"] = outputs[name]
    meta.update({"model.arch": MODEL_ARCH, "model.seed": str(MODEL_SEED), "model.layers": ",".join(MODEL_LAYERS)})


def main():
    os.makedirs(OUT, exist_ok=True)
    tensors, meta = {}, {}
    attention(tensors, meta)
    hint(tensors)
    several_teachers(tensors, meta)
    model_features(tensors, meta)
    meta["attention.cases"] = ",".join(ATTENTION_CASES)
    save("features", tensors, meta)


if __name__ == "__main__":
    main()
