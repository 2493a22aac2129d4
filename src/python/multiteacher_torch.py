"""PyTorch twins of MultiTeacher models.

build(arch)  -> torch.nn.Sequential equal to the C# model of that architecture string
load(path)   -> that Sequential with the weights of a MultiTeacher safetensors file (read with numpy alone)
save(model, arch, path, metadata) -> a safetensors file MultiTeacher can load
read_idx(path)        -> numpy array of an IDX file (gzip or raw)
evaluate(model, data_dir, split) -> test accuracy, computed as `mt eval` does (pixels / 255)

Command line (Debian's python3-torch):
  /usr/bin/python3 src/python/multiteacher_torch.py eval FILE.safetensors [--data DIR] [--split test]
  /usr/bin/python3 src/python/multiteacher_torch.py params ARCH...

Architecture strings:
  mlp:784-1200-1200-10            Linear, ReLU, Linear, ReLU, Linear
  mlp:784-1200-1200-10?dropout=0.2  Dropout after each hidden ReLU
  cnn:32-64-128                   Conv(1->32,3), ReLU, MaxPool2, Conv(32->64,3), ReLU, MaxPool2, Flatten,
                                  Linear(1600->128), ReLU, Linear(128->10); inputs 1x28x28
  cnn:32-64-128?classes=5&input=3x32x32   the same on 3x32x32 inputs with 5 classes
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
        channels, side, _ = input_shape(arch)
        side2 = ((side - 2) // 2 - 2) // 2
        layers = [nn.Conv2d(channels, c1, 3), nn.ReLU(), nn.MaxPool2d(2),
                  nn.Conv2d(c1, c2, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                  nn.Linear(c2 * side2 * side2, hidden), nn.ReLU(), nn.Linear(hidden, classes)]
    else:
        raise ValueError(f"unknown architecture '{arch}'")
    return nn.Sequential(*layers)


def input_shape(arch):
    kind, sizes, options = parse_arch(arch)
    if kind == "cnn":
        return tuple(int(d) for d in options.get("input", "1x28x28").split("x"))
    return (sizes[0],)


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


def read_idx(path):
    import gzip
    with open(path, "rb") as f:
        blob = f.read()
    if blob[:2] == b"\x1f\x8b":
        blob = gzip.decompress(blob)
    dims = blob[3]
    shape = struct.unpack(">" + "I" * dims, blob[4:4 + 4 * dims])
    return np.frombuffer(blob[4 + 4 * dims:], dtype=np.uint8).reshape(shape)


def load_split(data_dir, split):
    import os
    prefix = "train" if split == "train" else "t10k"
    def find(kind):
        for name in (f"{prefix}-{kind}-idx{3 if kind == 'images' else 1}-ubyte.gz", f"{prefix}-{kind}-idx{3 if kind == 'images' else 1}-ubyte"):
            path = os.path.join(data_dir, name)
            if os.path.exists(path):
                return path
        raise FileNotFoundError(f"no {prefix} {kind} IDX file in {data_dir}")
    images = torch.from_numpy(read_idx(find("images")).astype(np.float32)).div(255)
    labels = torch.from_numpy(read_idx(find("labels")).astype(np.int64))
    return images, labels


def evaluate(model, data_dir="/usr/share/datasets/fashion-mnist", split="test", arch=None):
    images, labels = load_split(data_dir, split)
    shape = input_shape(arch) if arch else (images.shape[1] * images.shape[2],)
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(labels), 1000):
            x = images[i:i + 1000].reshape(-1, *shape)
            correct += (model(x).argmax(1) == labels[i:i + 1000]).sum().item()
    return correct / len(labels)


def main(argv):
    import argparse
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("eval")
    ev.add_argument("file")
    ev.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ev.add_argument("--split", default="test")
    pa = sub.add_parser("params")
    pa.add_argument("arch", nargs="+")
    args = parser.parse_args(argv)
    if args.command == "eval":
        _, metadata = read_safetensors(args.file)
        model = load(args.file)
        accuracy = evaluate(model, args.data, args.split, metadata["arch"])
        print(json.dumps({"file": args.file, "arch": metadata["arch"], "accuracy": accuracy}))
    else:
        for a in args.arch:
            print(a, sum(p.numel() for p in build(a).parameters()))


if __name__ == "__main__":
    main(sys.argv[1:])
