using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

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
        // Created once: the step's ops read them as explicit Scalars (see Scalars on implicitly converted numbers).
        _temperature = ((double)temperature).ToScalar();
        _alpha = ((double)alpha).ToScalar();
        _oneMinusAlpha = ((double)(1 - alpha)).ToScalar();
    }

    private readonly Scalar _temperature;
    private readonly Scalar _alpha;
    private readonly Scalar _oneMinusAlpha;

    /// <summary>Temperature T.</summary>
    public float Temperature { get; }

    /// <summary>Weight α of the distillation term.</summary>
    public float Alpha { get; }

    /// <summary>
    /// The loss of <paramref name="logits"/> (B, C) as tensors: <c>Total</c> (to back-propagate), and its parts
    /// <c>CrossEntropy</c> (null when no row has a label) and <c>Distillation</c> (null when α = 0). <paramref name="labels"/>
    /// holds B labels (−1 for none); <paramref name="targets"/> is p̄ (B, C), null when α = 0. Shapes and labels are checked
    /// here; whether the logits and targets are finite is read with the values (<see cref="LossTerms.Read"/>), which names
    /// the row and column of the first number that is not.
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
        var checks = new LossChecks(logits, targets, labels.ToArray());
        // Σ over labelled rows / B: ignore_index drops the unlabelled rows from the sum, B stays the batch size. With
        // every row labelled that is the mean, one op fewer (nll_loss divides its sum by the count, as "/ B" did).
        // Numbers go to ops as explicit Scalars kept alive until the ops are done (see Scalars: an implicitly converted
        // one may be finalized while an op reads it).
        using var batch = ((double)rows).ToScalar();
        Tensor? crossEntropy = labelled == 0 ? null
            : labelled == rows ? F.cross_entropy(logits, y)
            : F.cross_entropy(logits, y, ignore_index: Unlabelled, reduction: nn.Reduction.Sum).div(batch);
        if (!distil)
        {
            return new LossTerms(crossEntropy ?? zeros(1, dtype: logits.dtype, device: logits.device).sum(), crossEntropy, null, labelled, checks);
        }

        using var scale = ((double)(Temperature * Temperature / rows)).ToScalar();
        var logQ = F.log_softmax(logits.div(_temperature), 1);
        var distillation = F.kl_div(logQ, targets!, log_target: false, reduction: nn.Reduction.Sum).mul(scale);
        var total = Alpha >= 1 ? distillation
            : crossEntropy is null ? distillation.mul(_alpha) // a batch without labels: its cross-entropy term is 0
            : crossEntropy.mul(_oneMinusAlpha).add(distillation.mul(_alpha), Scalars.One);
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
/// <param name="CrossEntropy">Cross-entropy summed over labelled rows, divided by the batch size (null without labels).</param>
/// <param name="Distillation">T²·KL(p̄ ‖ softmax(z/T)) summed over rows, divided by the batch size (null when α = 0).</param>
/// <param name="LabelledRows">Rows that had a label.</param>
/// <param name="Checks">What is read with the values: the logits, the targets and the labels.</param>
public sealed record LossTerms(Tensor Total, Tensor? CrossEntropy, Tensor? Distillation, int LabelledRows, LossChecks Checks)
{
    /// <summary>
    /// The values and the count of labelled rows whose arg-max logit is the label. The logits (and targets) are copied
    /// back once, checked for NaN and ±∞ and counted from there, on the CPU: a torch op each for the check, the arg-max
    /// and the count cost more than the copy for a batch of logits.
    /// </summary>
    /// <exception cref="NonFiniteException">The logits or the targets hold NaN or ±∞; the message names the first.</exception>
    public (LossValue Value, int Correct) Read()
    {
        const string where = "DistillationLoss";
        var shape = Checks.Logits.shape;
        var (rows, classes) = ((int)shape[0], (int)shape[1]);
        var logits = TensorData.ToArray(Checks.Logits);
        NumericGuard.CheckFinite(logits, rows, classes, where, "student logits");
        if (Checks.Targets is not null)
        {
            NumericGuard.CheckFinite(TensorData.ToArray(Checks.Targets), rows, classes, where, "soft targets p̄");
        }

        var correct = 0;
        for (var r = 0; r < rows; r++)
        {
            correct += TensorPrimitives.IndexOfMax(logits.AsSpan(r * classes, classes)) == Checks.Labels[r] ? 1 : 0;
        }

        // One copy back for the values, however many of them there are.
        double total, crossEntropy, distillation;
        using (NewDisposeScope())
        using (no_grad())
        {
            if (CrossEntropy is not null && Distillation is not null)
            {
                var values = TensorData.ToArray(stack(new[] { Total, CrossEntropy, Distillation }));
                (total, crossEntropy, distillation) = (values[0], values[1], values[2]);
            }
            else
            {
                total = Total.item<float>();
                crossEntropy = CrossEntropy is null ? 0 : total;
                distillation = Distillation is null ? 0 : total;
            }
        }

        return (new LossValue(total, crossEntropy, distillation, LabelledRows), correct);
    }
}

/// <summary>What a loss reads beside its value.</summary>
/// <param name="Logits">The student logits (B, C): checked for NaN and ±∞, and compared with the labels.</param>
/// <param name="Targets">The targets (B, C), or null: checked for NaN and ±∞.</param>
/// <param name="Labels">The B labels (−1 for none).</param>
public sealed record LossChecks(Tensor Logits, Tensor? Targets, int[] Labels);
