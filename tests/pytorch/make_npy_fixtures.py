#!/usr/bin/python3
"""Writes the small .npy and .safetensors fixtures read by MultiTeacher.Core.Tests (Data/ and Checkpoints/ tests).

Run with Debian's Python, which has numpy and torch:  /usr/bin/python3 tests/pytorch/make_npy_fixtures.py
The output is deterministic; commit it under tests/MultiTeacher.Core.Tests/Data/Fixtures/.
"""
import gzip
import json
import os
import struct

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "MultiTeacher.Core.Tests", "Data", "Fixtures")
FASHION = "/usr/share/datasets/fashion-mnist"


def save(name, array, version=None):
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        np.lib.format.write_array(f, array, version=version, allow_pickle=False)


def save_safetensors(name, tensors, metadata):
    """A numpy-only safetensors writer following the format specification, ordering the data like the reference
    implementation (by dtype alignment, then by name), so it differs from the state_dict order."""
    header = {"__metadata__": metadata}
    offset = 0
    blobs = []
    for key in sorted(tensors, key=lambda k: (-tensors[k].dtype.itemsize, k)):
        array = np.ascontiguousarray(tensors[key], dtype="<f4")
        blob = array.tobytes()
        header[key] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)


def main():
    os.makedirs(OUT, exist_ok=True)
    save("f4_2x3.npy", (np.arange(6, dtype="<f4").reshape(2, 3) * 0.5 - 1).astype("<f4"))
    save("u1_4.npy", np.array([0, 1, 127, 255], dtype="u1"))
    save("i8_3.npy", np.array([-1, 0, 2**40], dtype="<i8"))
    save("i4_2x2.npy", np.array([[1, -2], [3, 2**31 - 1]], dtype="<i4"))
    save("f4_v2.npy", np.array([0.25, -8.0, 3.5], dtype="<f4"), version=(2, 0))
    save("f4_v3.npy", np.array([0.25, -8.0, 3.5], dtype="<f4"), version=(3, 0))
    save("f4_scalar.npy", np.array(3.25, dtype="<f4"))
    save("f4_fortran.npy", np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)))
    save("f8_2.npy", np.array([1.0, 2.0], dtype="<f8"))

    # The first Fashion-MNIST training image as torchvision's ToTensor gives it (uint8 -> float32, divided by 255),
    # and the first ten training labels as int64: the C# loader must match these bit for bit.
    with gzip.open(os.path.join(FASHION, "train-images-idx3-ubyte.gz")) as f:
        pixels = np.frombuffer(f.read()[16:16 + 784], dtype=np.uint8).reshape(1, 28, 28)
    save("fashion_train_image0.npy", torch.from_numpy(pixels.copy()).float().div(255).numpy())
    with gzip.open(os.path.join(FASHION, "train-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read()[8:18], dtype=np.uint8).astype("<i8")
    save("fashion_train_labels10.npy", labels)

    # A tiny PyTorch model's state_dict: Sequential(Linear(4, 3), ReLU, Linear(3, 2)).
    torch.manual_seed(3)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    state = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    save_safetensors("tiny_mlp.safetensors", state, {"arch": "mlp:4-3-2", "classes": "2", "seed": "3"})
    save("tiny_mlp_0_weight.npy", state["0.weight"].astype("<f4"))
    save("tiny_mlp_2_bias.npy", state["2.bias"].astype("<f4"))
    # The same state_dict as torch.save writes it (a zip of pickles), for the TorchSharp.PyBridge loader.
    torch.save(model.state_dict(), os.path.join(OUT, "tiny_mlp.pt"))


if __name__ == "__main__":
    main()
