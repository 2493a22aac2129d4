using MultiTeacher.Core.Models;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MultiTeacher.Core.Losses.Features;

/// <summary>
/// The FitNets hint (Romero et al. 2015): <c>L = mean((adapter(F_s) − F_t)²)</c> over every element of the batch
/// (PyTorch: <c>F.mse_loss(adapter(fs), ft)</c>), with a learned <see cref="HintAdapter"/>. Gradients reach the student
/// feature and the adapter by autograd.
/// </summary>
public static class HintLoss
{
    /// <summary>The loss of <paramref name="studentFeature"/> through <paramref name="adapter"/> toward <paramref name="teacherFeature"/>.</summary>
    /// <exception cref="ShapeMismatchException">A feature does not have the shape the adapter joins; the message names both.</exception>
    public static Tensor Loss(HintAdapter adapter, Tensor studentFeature, Tensor teacherFeature)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        ArgumentNullException.ThrowIfNull(studentFeature);
        ArgumentNullException.ThrowIfNull(teacherFeature);
        var adapted = adapter.forward(studentFeature);
        if (!adapted.shape.SequenceEqual(teacherFeature.shape))
        {
            throw new ShapeMismatchException(
                $"hint: the adapted student feature {ShapeText.Format(adapted.shape)} and the teacher feature {ShapeText.Format(teacherFeature.shape)} differ");
        }

        return F.mse_loss(adapted, teacherFeature);
    }
}
