using MultiTeacher.Core.Models;
using TorchSharp;
using MultiTeacher.Core.Torch;
using static TorchSharp.torch;

namespace MultiTeacher.Core.Losses.Features;

/// <summary>
/// One feature term of the total loss: a student layer, a loss (<see cref="FeatureLossKind"/>), a weight λ, and the
/// teachers whose features it follows. With several teachers the per-teacher losses are combined with the ensemble
/// weights: <c>L = Σ_k w_k·L(F_s, F_t,k) / Σ_k w_k</c>. Raw features of different teachers are never averaged: their
/// channels mean different things (and their widths and sizes differ), so only the losses can be.
/// The total loss adds <c>λ·L</c> to the CE/KD loss.
/// </summary>
public sealed class FeatureTerm : IDisposable
{
    /// <summary>Creates the term; hints need one adapter per teacher (in <paramref name="teachers"/> order).</summary>
    /// <exception cref="ArgumentException">No teacher, a weight that is negative or not finite, or a hint without adapters.</exception>
    public FeatureTerm(string studentLayer, FeatureLossKind kind, float weight, IReadOnlyList<FeatureTeacher> teachers, double power = AttentionTransfer.DefaultPower)
    {
        ArgumentNullException.ThrowIfNull(studentLayer);
        ArgumentNullException.ThrowIfNull(teachers);
        if (teachers.Count == 0)
        {
            throw new ArgumentException($"feature term of student layer {studentLayer}: no teacher", nameof(teachers));
        }

        if (!(weight >= 0) || float.IsInfinity(weight))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, $"feature term of student layer {studentLayer}: the weight must be finite and not negative");
        }

        foreach (var teacher in teachers)
        {
            if (!(teacher.EnsembleWeight > 0) || float.IsInfinity(teacher.EnsembleWeight))
            {
                throw new ArgumentOutOfRangeException(nameof(teachers), teacher.EnsembleWeight, $"feature term of student layer {studentLayer}: teacher {teacher.TeacherId} needs a positive finite ensemble weight");
            }

            if (kind == FeatureLossKind.Hint && teacher.Adapter is null)
            {
                throw new ArgumentException($"hint of student layer {studentLayer}: teacher {teacher.TeacherId} has no adapter", nameof(teachers));
            }
        }

        StudentLayer = studentLayer;
        Kind = kind;
        Weight = weight;
        Teachers = teachers;
        Power = power;
    }

    /// <summary>The student layer whose output is trained.</summary>
    public string StudentLayer { get; }

    /// <summary>The loss.</summary>
    public FeatureLossKind Kind { get; }

    /// <summary>λ: the term's weight in the total loss.</summary>
    public float Weight { get; }

    /// <summary>The teachers followed, with their ensemble weights and (hints) adapters.</summary>
    public IReadOnlyList<FeatureTeacher> Teachers { get; }

    /// <summary>The power p of attention maps.</summary>
    public double Power { get; }

    /// <summary>A short name for reports, for example <c>attention(3)</c>.</summary>
    public string Label => $"{FeatureLossKinds.Name(Kind)}({StudentLayer})";

    /// <summary>
    /// The term's loss L (before λ) of <paramref name="studentFeature"/> toward one target per teacher (in
    /// <see cref="Teachers"/> order): an attention map (B, H, W) or a full feature (B, C, H, W) for attention, the full
    /// feature for hints. A null target is a teacher that did not answer: the others' weights are renormalised. Each
    /// target is checked for NaN and ±∞ first. Null when no teacher answered.
    /// </summary>
    /// <exception cref="NonFiniteException">A teacher target holds NaN or ±∞; the message names the teacher and the element.</exception>
    /// <exception cref="ShapeMismatchException">A target cannot be joined to the student feature; the message names both shapes.</exception>
    public Tensor? Loss(Tensor studentFeature, IReadOnlyList<Tensor?> targets)
    {
        ArgumentNullException.ThrowIfNull(studentFeature);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Count != Teachers.Count)
        {
            throw new ArgumentException($"{Label}: {targets.Count} teacher targets given, expected {Teachers.Count}", nameof(targets));
        }

        Tensor? sum = null;
        var totalWeight = 0.0;
        var present = targets.Count(t => t is not null);
        for (var k = 0; k < targets.Count; k++)
        {
            var teacher = Teachers[k];
            if (targets[k] is not { } target)
            {
                continue;
            }

            NumericGuard.CheckFinite(target, Label, $"teacher {teacher.TeacherId}'s feature of layer {teacher.Layer}");
            var loss = Kind == FeatureLossKind.Hint
                ? HintLoss.Loss(teacher.Adapter!, studentFeature, target)
                : AttentionTransfer.Loss(studentFeature, target.dim() == 4 ? AttentionTransfer.Map(target, Power) : target, Power);
            using var weight = ((double)teacher.EnsembleWeight).ToScalar(); // explicit and alive until the op is done (see Scalars)
            var weighted = present == 1 ? loss : loss.mul(weight);
            sum = sum is null ? weighted : sum.add(weighted, Scalars.One);
            totalWeight += teacher.EnsembleWeight;
        }

        using var total = ((double)totalWeight).ToScalar();
        return present <= 1 ? sum : sum!.div(total);
    }

    /// <summary>The parameters of the hint adapters (none for attention).</summary>
    public IEnumerable<TorchSharp.Modules.Parameter> AdapterParameters() =>
        Teachers.Where(t => t.Adapter is not null).SelectMany(t => t.Adapter!.parameters());

    /// <summary>Disposes the adapters.</summary>
    public void Dispose()
    {
        foreach (var teacher in Teachers)
        {
            teacher.Adapter?.Dispose();
        }
    }
}

/// <summary>A teacher a <see cref="FeatureTerm"/> follows.</summary>
/// <param name="TeacherId">The teacher's id.</param>
/// <param name="Layer">The teacher layer whose output is the target.</param>
/// <param name="EnsembleWeight">The teacher's ensemble weight (1 by default).</param>
/// <param name="Adapter">The hint adapter from the student layer to this teacher layer; null for attention.</param>
public sealed record FeatureTeacher(string TeacherId, string Layer, float EnsembleWeight, HintAdapter? Adapter = null);
