namespace MultiTeacher.Core.Teachers;

/// <summary>A named intermediate output a teacher is asked for beside its logits.</summary>
/// <param name="Layer">The layer (module) name, for example <c>3</c>.</param>
/// <param name="AttentionMap">
/// Send the feature's attention map <c>mean_c |F_c|^p</c> (B, H, W) instead of the full feature (B, C, H, W): C times
/// fewer numbers, all that attention transfer needs.
/// </param>
/// <param name="Power">The power p of the attention map.</param>
public sealed record FeatureRequest(string Layer, bool AttentionMap = false, double Power = 2);
