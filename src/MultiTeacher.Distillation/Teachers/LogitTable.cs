using MultiTeacher.Core.Data;

namespace MultiTeacher.Distillation.Teachers;

/// <summary>A teacher's logits for every row of a dataset: (rows × classes), row-major.</summary>
public sealed class LogitTable
{
    /// <summary>Wraps <paramref name="values"/> (not copied).</summary>
    public LogitTable(float[] values, int rows, int classes)
    {
        if ((long)rows * classes != values.Length)
        {
            throw new ArgumentException($"{values.Length} logits do not form {rows} rows of {classes} classes");
        }

        Values = values;
        Rows = rows;
        Classes = classes;
    }

    /// <summary>The logits.</summary>
    public float[] Values { get; }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>Logits of one row.</summary>
    public ReadOnlySpan<float> Row(int row) => Values.AsSpan(row * Classes, Classes);

    /// <summary>Copies the logits of <paramref name="rows"/> into <paramref name="destination"/> (rows.Length × classes).</summary>
    public void Gather(ReadOnlySpan<int> rows, Span<float> destination)
    {
        for (var i = 0; i < rows.Length; i++)
        {
            Row(rows[i]).CopyTo(destination.Slice(i * Classes, Classes));
        }
    }

    /// <summary>A new table holding the given rows, in order.</summary>
    public LogitTable Subset(ReadOnlySpan<int> rows)
    {
        var values = new float[rows.Length * Classes];
        Gather(rows, values);
        return new LogitTable(values, rows.Length, Classes);
    }

    /// <summary>Reads an (n × classes) float32 .npy file; <paramref name="expectedRows"/> is checked when given.</summary>
    public static LogitTable Load(string path, int? expectedRows = null, int? expectedClasses = null)
    {
        var array = Npy.Read(path);
        if (array.Shape.Length != 2)
        {
            throw new DataFormatException(path, $"teacher logits must be a 2-D array (rows × classes), found shape ({string.Join(", ", array.Shape)})", null);
        }

        var (rows, classes) = (array.Shape[0], array.Shape[1]);
        if ((expectedRows is { } r && r != rows) || (expectedClasses is { } c && c != classes))
        {
            throw new DataFormatException(path,
                $"teacher logits have shape ({rows}, {classes}), the data needs ({expectedRows?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "n"}, {expectedClasses?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "C"})", null);
        }

        return new LogitTable(array.AsFloat32(), rows, classes);
    }
}
