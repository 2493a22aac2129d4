using System.Globalization;
using System.Security.Cryptography;

namespace MultiTeacher.Core.Data;

/// <summary>
/// A dataset of four NumPy files: inputs <c>train-x</c>, <c>test-x</c> (float32, or uint8 scaled by 1/255 as the
/// IDX images are; shape (n, ...), the sample shape being everything after n) and labels <c>train-y</c>,
/// <c>test-y</c> (integers, shape (n)). The class count is the largest label of either split plus one. Every
/// mismatch between the files is an error naming the files and both sides.
/// </summary>
/// <param name="TrainX">Training inputs.</param>
/// <param name="TrainY">Training labels.</param>
/// <param name="TestX">Test inputs.</param>
/// <param name="TestY">Test labels.</param>
public sealed record NpyDataFiles(string TrainX, string TrainY, string TestX, string TestY)
{
    /// <summary>Loads the <c>train</c> or <c>test</c> split.</summary>
    /// <exception cref="DataFormatException">A file is corrupt, of an unsupported type or shape, or disagrees with its partner.</exception>
    public Dataset Load(string split)
    {
        var (xPath, yPath) = split switch
        {
            "train" => (TrainX, TrainY),
            "test" => (TestX, TestY),
            _ => throw new ArgumentException($"unknown split '{split}': expected train or test", nameof(split)),
        };
        var classes = Classes();
        var x = Npy.Read(xPath);
        if (x.Shape.Length < 2)
        {
            throw new DataFormatException(xPath, $"inputs must have shape (n, ...) with at least one dimension per sample, found {NpyHeader.ShowShape(x.Shape)}", null);
        }

        var sampleShape = x.Shape[1..];
        var labels = Labels(yPath);
        if (labels.Length != x.Shape[0])
        {
            throw new DataFormatException(yPath, $"{labels.Length} labels for the {x.Shape[0]} rows of {xPath}: expected one label per row", null);
        }

        var inputs = x.DType switch
        {
            NpyDType.Float32 => x.AsFloat32(),
            NpyDType.UInt8 => Array.ConvertAll(x.AsUInt8(), b => b / 255f),
            _ => throw new DataFormatException(xPath, $"inputs of dtype {x.Descr}; expected float32 ('<f4') or uint8 ('|u1')", null),
        };
        return new Dataset($"{Name}/{split}", inputs, labels, classes, sampleShape);
    }

    /// <summary>Loads both splits and checks that their samples have one shape.</summary>
    /// <exception cref="DataFormatException">A file is bad, or the splits' sample shapes differ.</exception>
    public (Dataset Train, Dataset Test) LoadSplits()
    {
        var train = Load("train");
        var test = Load("test");
        if (!train.SampleShape.AsSpan().SequenceEqual(test.SampleShape))
        {
            throw new DataFormatException(TestX,
                $"samples of shape {NpyHeader.ShowShape(test.SampleShape)}, but {TrainX} has samples of shape {NpyHeader.ShowShape(train.SampleShape)}: train and test must agree", null);
        }

        return (train, test);
    }

    /// <summary>The dataset's name: the training inputs' file name and a digest of their content, for example <c>cifar-x-1a2b3c4d</c>.</summary>
    public string Name => _name ??= string.Create(CultureInfo.InvariantCulture,
        $"{Path.GetFileNameWithoutExtension(TrainX)}-{Digest(TrainX)}");

    private string? _name;
    private int? _classes;

    /// <summary>The number of classes: the largest label of either split plus one.</summary>
    public int Classes() => _classes ??= Math.Max(Labels(TrainY).DefaultIfEmpty(0).Max(), Labels(TestY).DefaultIfEmpty(0).Max()) + 1;

    private static int[] Labels(string path)
    {
        var y = Npy.Read(path);
        if (y.Shape.Length != 1)
        {
            throw new DataFormatException(path, $"labels must have shape (n), found {NpyHeader.ShowShape(y.Shape)}", null);
        }

        long[] values = y.DType switch
        {
            NpyDType.Int64 => y.AsInt64(),
            NpyDType.UInt8 => Array.ConvertAll(y.AsUInt8(), b => (long)b),
            _ => throw new DataFormatException(path, $"labels of dtype {y.Descr}; expected integers ('<i8', '<i4' or '|u1')", null),
        };
        var labels = new int[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            labels[i] = values[i] is >= 0 and < 100_000
                ? (int)values[i]
                : throw new DataFormatException(path, $"label {values[i]} at row {i}; expected a class index from 0", null);
        }

        return labels;
    }

    private static string Digest(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..8];
    }
}
