using MultiTeacher.Core.Losses.Features;

namespace MultiTeacher.Distillation.Features;

/// <summary>
/// One entry of <c>multiteacher.distill.features</c>: train the student's layer <paramref name="StudentLayer"/> toward
/// teacher <paramref name="Teacher"/>'s layer <paramref name="Layer"/> with <paramref name="Loss"/>, weighted by
/// <paramref name="Weight"/> in the total loss. Entries of the same student layer and loss form one term whose
/// teachers' losses are combined with the ensemble weights (their weights must agree).
/// </summary>
/// <param name="Teacher">The teacher's id (as the run names its teachers).</param>
/// <param name="Layer">The teacher's layer name (state_dict module name, for example <c>3</c>).</param>
/// <param name="StudentLayer">The student's layer name.</param>
/// <param name="Loss"><c>hint</c> or <c>attention</c>.</param>
/// <param name="Weight">λ, the term's weight in the total loss.</param>
/// <param name="Power">The power p of attention maps.</param>
public sealed record FeatureSpec(string Teacher, string Layer, string StudentLayer, FeatureLossKind Loss, float Weight, double Power = AttentionTransfer.DefaultPower);
