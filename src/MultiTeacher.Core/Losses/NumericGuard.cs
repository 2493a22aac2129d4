using MultiTeacher.Core.Layers;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MultiTeacher.Core.Losses;

/// <summary>Checks that losses and ensembles receive finite numbers and tensors of the shapes they expect.</summary>
public static class NumericGuard
{
    /// <summary>Throws <see cref="NonFiniteException"/> when a (rows × columns) matrix holds NaN or ±∞.</summary>
    public static void CheckFinite(ReadOnlySpan<float> values, int rows, int columns, string where, string what)
    {
        // x·0 is NaN exactly when x is NaN or infinite, so one vectorised pass finds both.
        if (!float.IsNaN(TensorPrimitives.Sum(values) * 0f))
        {
            return;
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new NonFiniteException(
                    $"{where}: {what} of shape ({rows}, {columns}) holds {values[i]} at row {i / columns}, column {i % columns}");
            }
        }
    }

    /// <summary>Throws <see cref="ShapeMismatchException"/> unless <paramref name="length"/> equals rows × columns.</summary>
    public static void CheckLength(int length, int rows, int columns, string where, string what)
    {
        if (length != rows * columns)
        {
            throw new ShapeMismatchException($"{where}: {what} has {length} elements, expected ({rows}, {columns}) = {rows * columns}");
        }
    }
}
