using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using TorchSharp;
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

    /// <summary>Throws <see cref="NonFiniteException"/> when a (rows × columns) tensor holds NaN or ±∞, naming the first.</summary>
    public static void CheckFinite(torch.Tensor values, string where, string what)
    {
        ArgumentNullException.ThrowIfNull(values);
        using (torch.NewDisposeScope())
        {
            if (values.detach().isfinite().all().item<bool>())
            {
                return;
            }
        }

        var shape = values.shape;
        var columns = shape.Length >= 2 ? (int)shape[^1] : 1;
        var rows = (int)(values.numel() / Math.Max(1, columns));
        CheckFinite(TensorData.ToArray(values), rows, columns, where, what);
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
