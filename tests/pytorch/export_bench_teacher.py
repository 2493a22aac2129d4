#!/usr/bin/python3
"""Writes the teacher of `mt bench teachers`: our cnn:32-64-128 (seeded, untrained) in three formats.

  /usr/bin/python3 tests/pytorch/export_bench_teacher.py OUT_DIR

OUT_DIR/cnn.safetensors (our checkpoint), OUT_DIR/cnn.pt (TorchScript, traced) and OUT_DIR/cnn.onnx (opset 13, dynamic
batch) hold the same weights; PyTorch's own speed is measured by bench_nn.py on the same architecture.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "python"))
import multiteacher_torch as mt  # noqa: E402

ARCH = "cnn:32-64-128"


def main(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    model = mt.build(ARCH).eval()
    example = torch.rand(256, 1, 28, 28)
    with torch.no_grad():
        torch.jit.trace(model, example).save(os.path.join(out, "cnn.pt"))
        torch.onnx.export(model, example, os.path.join(out, "cnn.onnx"), input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, opset_version=13)
    mt.save(model, ARCH, os.path.join(out, "cnn.safetensors"))


if __name__ == "__main__":
    main(sys.argv[1])
