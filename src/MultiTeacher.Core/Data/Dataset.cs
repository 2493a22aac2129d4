using System.Globalization;

namespace MultiTeacher.Core.Data;

/// <summary>
/// A labelled dataset held in memory: <see cref="Count"/> rows of <see cref="Features"/> floats each (row-major, one
/// sample after another) and one class label per row. Image datasets hold pixels scaled to [0, 1] as
/// <c>x / 255f</c>, exactly what torchvision's <c>ToTensor</c> gives.
/// </summary>
/// <remarks>The arrays are shared, not copied: callers must not modify them.</remarks>
public sealed class Dataset
{
    /// <summary>Creates a dataset after checking that the inputs, labels and shape agree.</summary>
    /// <param name="name">Name used in messages and shard ids, for example <c>fashion-mnist/train</c>.</param>
    /// <param name="inputs">Count × Features floats, row-major.</param>
    /// <param name="labels">One label per row, each in [0, <paramref name="classes"/>).</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="sampleShape">Shape of one sample, for example [1, 28, 28]; its product is the feature count.</param>
    /// <exception cref="ArgumentException">The sizes disagree or a label is outside the class range.</exception>
    public Dataset(string name, float[] inputs, int[] labels, int classes, int[] sampleShape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(sampleShape);
        if (classes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(classes), classes, $"Dataset {name}: needs at least one class, got {classes}.");
        }

        if (sampleShape.Length == 0 || Array.Exists(sampleShape, d => d < 1))
        {
            throw new ArgumentException($"Dataset {name}: every dimension of the sample shape must be positive, got [{string.Join(", ", sampleShape)}].", nameof(sampleShape));
        }

        long features = 1;
        foreach (var dimension in sampleShape)
        {
            features *= dimension;
        }

        if ((long)labels.Length * features != inputs.Length)
        {
            throw new ArgumentException(
                $"Dataset {name}: expected {labels.Length} rows × {features} features = {(long)labels.Length * features} inputs, found {inputs.Length}.",
                nameof(inputs));
        }

        for (var row = 0; row < labels.Length; row++)
        {
            if ((uint)labels[row] >= (uint)classes)
            {
                throw new ArgumentException(
                    $"Dataset {name}: row {row} has label {labels[row]}, outside the class range [0, {classes}).", nameof(labels));
            }
        }

        Name = name;
        Inputs = inputs;
        Labels = labels;
        Classes = classes;
        SampleShape = sampleShape;
        Features = (int)features;
    }

    /// <summary>Name used in messages and shard ids, for example <c>fashion-mnist/train</c>.</summary>
    public string Name { get; }

    /// <summary>All inputs, <see cref="Count"/> × <see cref="Features"/> floats, row-major.</summary>
    public float[] Inputs { get; }

    /// <summary>The label of every row, each in [0, <see cref="Classes"/>).</summary>
    public int[] Labels { get; }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>Shape of one sample, for example [1, 28, 28] (channels, height, width).</summary>
    public int[] SampleShape { get; }

    /// <summary>Number of rows (samples).</summary>
    public int Count => Labels.Length;

    /// <summary>Floats per row: the product of <see cref="SampleShape"/>.</summary>
    public int Features { get; }

    /// <summary>The inputs of one row.</summary>
    public ReadOnlySpan<float> Row(int row)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)Count, nameof(row));
        return Inputs.AsSpan(row * Features, Features);
    }

    /// <summary>
    /// Copies the given rows, in the given order, into caller-provided buffers: <paramref name="inputs"/> receives
    /// rows.Length × <see cref="Features"/> floats and <paramref name="labels"/> rows.Length labels.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer is too small.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A row index is outside [0, <see cref="Count"/>).</exception>
    public void GatherRows(ReadOnlySpan<int> rows, Span<float> inputs, Span<int> labels)
    {
        if (inputs.Length < (long)rows.Length * Features)
        {
            throw new ArgumentException($"Dataset {Name}: {rows.Length} rows need {(long)rows.Length * Features} floats, the buffer holds {inputs.Length}.", nameof(inputs));
        }

        if (labels.Length < rows.Length)
        {
            throw new ArgumentException($"Dataset {Name}: {rows.Length} rows need {rows.Length} labels, the buffer holds {labels.Length}.", nameof(labels));
        }

        var source = Inputs.AsSpan();
        for (var i = 0; i < rows.Length; i++)
        {
            var row = rows[i];
            if ((uint)row >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), row, $"Dataset {Name}: row {row} is outside [0, {Count}).");
            }

            source.Slice(row * Features, Features).CopyTo(inputs.Slice(i * Features, Features));
            labels[i] = Labels[row];
        }
    }

    /// <summary>A copy of the consecutive rows [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>).</summary>
    public Dataset Slice(int first, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if ((long)first + count > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"Dataset {Name}: rows [{first}, {(long)first + count}) exceed its {Count} rows.");
        }

        var inputs = Inputs.AsSpan(first * Features, count * Features).ToArray();
        var labels = Labels.AsSpan(first, count).ToArray();
        var name = string.Create(CultureInfo.InvariantCulture, $"{Name}[{first}..{first + count})");
        return new Dataset(name, inputs, labels, Classes, (int[])SampleShape.Clone());
    }

    /// <summary>The first <paramref name="rows"/> rows (a copy), or this dataset itself when <paramref name="rows"/> is null or not smaller than it.</summary>
    public Dataset FirstRows(int? rows) => rows is { } n && n < Count ? Slice(0, n) : this;

    /// <summary>A copy of the given rows, in the given order (rows may repeat).</summary>
    public Dataset Subset(int[] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var inputs = new float[(long)rows.Length * Features];
        var labels = new int[rows.Length];
        GatherRows(rows, inputs, labels);
        var name = string.Create(CultureInfo.InvariantCulture, $"{Name}[{rows.Length} rows]");
        return new Dataset(name, inputs, labels, Classes, (int[])SampleShape.Clone());
    }
}
