using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MultiTeacher.Core.Losses;

/// <summary>
/// The knowledge-distillation loss for a batch of B rows of student logits z_s:
/// <c>L = (1 − α)·CE(z_s, y) + α·T²·KL(p̄ ‖ softmax(z_s/T))</c>, both terms summed over rows and divided by B
/// (PyTorch: <c>F.cross_entropy(zs, y, ignore_index=-1, reduction='sum') / B</c> and
/// <c>F.kl_div(F.log_softmax(zs/T, 1), p̄, reduction='batchmean')·T²</c>). Rows whose label is
/// <see cref="Unlabelled"/> take the distillation term alone. Torch ops only: autograd gives the gradient.
/// α = 0 is supervised training (no targets needed); α = 1 is pure distillation (no labels needed).
/// </summary>
public sealed class DistillationLoss
{
    /// <summary>The label of a row that has none.</summary>
    public const int Unlabelled = -1;

    /// <summary>Creates the loss with temperature <paramref name="temperature"/> &gt; 0 and weight <paramref name="alpha"/> in [0, 1].</summary>
    public DistillationLoss(float temperature, float alpha)
    {
        if (!(temperature > 0) || float.IsInfinity(temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be a positive finite number");
        }

        if (!(alpha >= 0 && alpha <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be in [0, 1]");
        }

        Temperature = temperature;
        Alpha = alpha;
    }

    /// <summary>Temperature T.</summary>
    public float Temperature { get; }

    /// <summary>Weight α of the distillation term.</summary>
    public float Alpha { get; }

    /// <summary>
    /// The loss of <paramref name="logits"/> (B, C) as tensors: <c>Total</c> (to back-propagate), and its parts
    /// <c>CrossEntropy</c> and <c>Distillation</c> (a zero when α = 0). <paramref name="labels"/> holds B labels (−1 for
    /// none); <paramref name="targets"/> is p̄ (B, C), null when α = 0. Shapes and labels are checked here; whether the
    /// logits and targets are finite is read with the values (<see cref="LossTerms.Read"/>, one copy from the device),
    /// which names the row and column of the first number that is not.
    /// </summary>
    public LossTerms Terms(Tensor logits, ReadOnlySpan<int> labels, Tensor? targets)
    {
        ArgumentNullException.ThrowIfNull(logits);
        const string where = "DistillationLoss";
        var shape = logits.shape;
        if (shape.Length != 2)
        {
            throw new ShapeMismatchException($"{where}: student logits have shape {ShapeText.Format(shape)}, expected (B, C)");
        }

        var (rows, classes) = ((int)shape[0], (int)shape[1]);
        NumericGuard.CheckLength(labels.Length, rows, 1, where, "labels");
        var labelled = CheckLabels(labels, classes);
        var distil = Alpha > 0;
        if (distil)
        {
            if (targets is null)
            {
                throw new ArgumentException($"{where}: α = {Alpha} needs soft targets p̄ ({rows}, {classes})", nameof(targets));
            }

            var targetShape = targets.shape;
            NumericGuard.CheckLength((int)targets.numel(), rows, classes, where, "soft targets p̄");
            if (targetShape.Length != 2)
            {
                throw new ShapeMismatchException($"{where}: soft targets p̄ have shape {ShapeText.Format(targetShape)}, expected ({rows}, {classes})");
            }

        }

        var y = TensorData.Indices(labels, logits.device);
        var detached = logits.detach();
        var finite = distil ? detached.isfinite().all().logical_and(targets!.isfinite().all()) : detached.isfinite().all();
        var correct = detached.argmax(1).eq(y).sum(); // rows labelled −1 never count
        var checks = new LossChecks(finite, correct, logits, targets);
        // Σ over labelled rows / B: ignore_index drops the unlabelled rows from the sum, B stays the batch size.
        var crossEntropy = labelled == 0
            ? zeros(1, dtype: logits.dtype, device: logits.device).sum()
            : F.cross_entropy(logits, y, ignore_index: Unlabelled, reduction: nn.Reduction.Sum) / rows;
        if (!distil)
        {
            return new LossTerms(crossEntropy, crossEntropy, zeros_like(crossEntropy), labelled, checks);
        }

        var logQ = F.log_softmax(logits / Temperature, 1);
        var distillation = F.kl_div(logQ, targets!, log_target: false, reduction: nn.Reduction.Sum) * (Temperature * Temperature / rows);
        var total = Alpha >= 1 ? distillation : ((1 - Alpha) * crossEntropy) + (Alpha * distillation);
        return new LossTerms(total, crossEntropy, distillation, labelled, checks);
    }

    private static int CheckLabels(ReadOnlySpan<int> labels, int classes)
    {
        var labelled = 0;
        for (var r = 0; r < labels.Length; r++)
        {
            var label = labels[r];
            if (label == Unlabelled)
            {
                continue;
            }

            if (label < 0 || label >= classes)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), label,
                    $"DistillationLoss: label {label} of row {r} is outside [0, {classes}) (use {Unlabelled} for a row without a label)");
            }

            labelled++;
        }

        return labelled;
    }
}

/// <summary>A loss as tensors: the total to back-propagate and its two parts, over a batch.</summary>
/// <param name="Total">The loss that is differentiated.</param>
/// <param name="CrossEntropy">Cross-entropy summed over labelled rows, divided by the batch size.</param>
/// <param name="Distillation">T²·KL(p̄ ‖ softmax(z/T)) summed over rows, divided by the batch size (0 when α = 0).</param>
/// <param name="LabelledRows">Rows that had a label.</param>
/// <param name="Checks">Whether the inputs were finite, and how many labelled rows the logits got right.</param>
public sealed record LossTerms(Tensor Total, Tensor CrossEntropy, Tensor Distillation, int LabelledRows, LossChecks Checks)
{
    /// <summary>
    /// The values and the count of rows predicted right, read back from the tensors in one copy.
    /// </summary>
    /// <exception cref="NonFiniteException">The logits or the targets hold NaN or ±∞; the message names the first.</exception>
    public (LossValue Value, int Correct) Read()
    {
        float[] values;
        using (NewDisposeScope())
        using (no_grad())
        {
            // Five scalars (0-dimensional tensors) stacked into one vector: one copy back, however many there are.
            values = TensorData.ToArray(stack(new[]
            {
                Total, CrossEntropy, Distillation, Checks.Finite.to_type(ScalarType.Float32), Checks.Correct.to_type(ScalarType.Float32),
            }));
        }

        if (values[3] == 0)
        {
            NumericGuard.CheckFinite(Checks.Logits, "DistillationLoss", "student logits");
            if (Checks.Targets is not null)
            {
                NumericGuard.CheckFinite(Checks.Targets, "DistillationLoss", "soft targets p̄");
            }
        }

        return (new LossValue(values[0], values[1], values[2], LabelledRows), (int)values[4]);
    }
}

/// <summary>What a loss computes beside its value, read with it.</summary>
/// <param name="Finite">True when every logit (and target) is finite.</param>
/// <param name="Correct">Labelled rows whose arg-max logit is the label.</param>
/// <param name="Logits">The logits, to name a non-finite one.</param>
/// <param name="Targets">The targets, or null.</param>
public sealed record LossChecks(Tensor Finite, Tensor Correct, Tensor Logits, Tensor? Targets);
