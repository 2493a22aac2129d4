using System.Collections.Concurrent;
using System.Globalization;
using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Torch;
using TorchSharp;
using MultiTeacher.Core.Tests.Data;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>A golden file of tests/pytorch/generate_golden.py (read once per test run): float32 tensors and metadata.</summary>
internal sealed class GoldenFile
{
    private static readonly ConcurrentDictionary<string, GoldenFile> s_cache = new(StringComparer.Ordinal);
    private readonly SafetensorsFile _file;

    private GoldenFile(SafetensorsFile file) => _file = file;

    public static GoldenFile Load(string name) =>
        s_cache.GetOrAdd(name, n => new GoldenFile(Safetensors.Read(TestPaths.Golden(n + ".safetensors"))));

    /// <summary>The elements of tensor <paramref name="name"/> (a fresh copy).</summary>
    public float[] this[string name] => _file[name].Data.ToArray();

    public int[] Shape(string name) => _file[name].Shape;

    /// <summary>A new torch tensor with the golden shape and a copy of the golden elements.</summary>
    public torch.Tensor Tensor(string name) => TensorData.From(this[name], Array.ConvertAll(Shape(name), d => (long)d));

    /// <summary>A 1-element tensor's value.</summary>
    public float Scalar(string name) => _file[name].Data.Span[0];

    /// <summary>Labels stored as floats (−1 for none).</summary>
    public int[] Labels(string name) => Array.ConvertAll(this[name], v => (int)v);

    public string Meta(string key) => _file.Metadata[key];

    public float MetaFloat(string key) => float.Parse(Meta(key), CultureInfo.InvariantCulture);

    public bool Has(string name) => _file.TryGetTensor(name, out _);
}
