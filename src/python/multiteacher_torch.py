"""PyTorch twins of MultiTeacher models.

build(arch)  -> torch.nn.Sequential equal to the C# model of that architecture string
load(path)   -> that Sequential with the weights of a MultiTeacher safetensors file (read with numpy alone)
save(model, arch, path, metadata) -> a safetensors file MultiTeacher can load

Architecture strings:
  mlp:784-1200-1200-10            Linear, ReLU, Linear, ReLU, Linear
  mlp:784-1200-1200-10?dropout=0.2  Dropout after each hidden ReLU
  cnn:32-64-128                   Conv(1->32,3), ReLU, MaxPool2, Conv(32->64,3), ReLU, MaxPool2, Flatten,
                                  Linear(1600->128), ReLU, Linear(128->10); inputs 1x28x28
"""
import json
import struct
import sys

import numpy as np
import torch
from torch import nn


def parse_arch(arch):
    kind, _, rest = arch.partition(":")
    spec, _, query = rest.partition("?")
    options = dict(kv.split("=", 1) for kv in query.split("&") if kv)
    sizes = [int(s) for s in spec.split("-")]
    return kind, sizes, options


def build(arch):
    kind, sizes, options = parse_arch(arch)
    layers = []
    if kind == "mlp":
        dropout = float(options.get("dropout", 0))
        for i in range(len(sizes) - 1):
            layers.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i < len(sizes) - 2:
                layers.append(nn.ReLU())
                if dropout > 0:
                    layers.append(nn.Dropout(dropout))
    elif kind == "cnn":
        c1, c2, hidden = sizes
        classes = int(options.get("classes", 10))
        layers = [nn.Conv2d(1, c1, 3), nn.ReLU(), nn.MaxPool2d(2),
                  nn.Conv2d(c1, c2, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                  nn.Linear(c2 * 5 * 5, hidden), nn.ReLU(), nn.Linear(hidden, classes)]
    else:
        raise ValueError(f"unknown architecture '{arch}'")
    return nn.Sequential(*layers)


def input_shape(arch):
    kind, sizes, _ = parse_arch(arch)
    return (1, 28, 28) if kind == "cnn" else (sizes[0],)


_DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "U8": np.uint8, "I32": np.int32}


def read_safetensors(path):
    """Returns ({name: ndarray}, metadata) of a safetensors file, with numpy alone."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    data = blob[8 + n:]
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        tensors[name] = np.frombuffer(data[begin:end], dtype=_DTYPES[info["dtype"]]).reshape(info["shape"]).copy()
    return tensors, metadata


def write_safetensors(path, tensors, metadata=None):
    """Writes {name: float32 ndarray} (in insertion order) with string metadata."""
    header, offset, chunks = {}, 0, []
    for name, array in tensors.items():
        array = np.ascontiguousarray(array, dtype=np.float32)
        raw = array.tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        chunks.append(raw)
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)


def load(path):
    tensors, metadata = read_safetensors(path)
    model = build(metadata["arch"])
    state = {k: torch.from_numpy(v) for k, v in tensors.items()}
    model.load_state_dict(state)
    model.eval()
    return model


def save(model, arch, path, metadata=None):
    meta = {"arch": arch}
    meta.update(metadata or {})
    write_safetensors(path, {k: v.detach().cpu().numpy() for k, v in model.state_dict().items()}, meta)


if __name__ == "__main__":
    for a in sys.argv[1:]:
        m = build(a)
        print(a, sum(p.numel() for p in m.parameters()))
