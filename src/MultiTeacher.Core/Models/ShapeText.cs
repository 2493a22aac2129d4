namespace MultiTeacher.Core.Models;

/// <summary>Shape arithmetic and formatting shared by models and error messages.</summary>
public static class ShapeText
{
    /// <summary>Product of the dimensions (1 for a scalar), checked for overflow and negative sizes.</summary>
    public static int Product(ReadOnlySpan<int> shape)
    {
        long product = 1;
        foreach (var d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"negative dimension in shape {Format(shape)}");
            }

            product *= d;
            if (product > int.MaxValue)
            {
                throw new ArgumentException($"shape {Format(shape)} has more than {int.MaxValue} elements");
            }
        }

        return (int)product;
    }

    /// <summary>Formats a shape as <c>(a, b, c)</c>.</summary>
    public static string Format(ReadOnlySpan<int> shape) => "(" + string.Join(", ", shape.ToArray()) + ")";

    /// <summary>Formats a tensor's shape as <c>(a, b, c)</c>.</summary>
    public static string Format(ReadOnlySpan<long> shape) => "(" + string.Join(", ", shape.ToArray()) + ")";

    /// <summary>Formats a per-sample shape with a leading batch dimension, as <c>(B, a, b)</c>.</summary>
    public static string FormatBatch(ReadOnlySpan<int> sampleShape) =>
        sampleShape.Length == 0 ? "(B)" : "(B, " + string.Join(", ", sampleShape.ToArray()) + ")";
}
