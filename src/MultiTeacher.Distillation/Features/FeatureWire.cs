namespace MultiTeacher.Distillation.Features;

/// <summary>How teachers send features: what and in which number format.</summary>
/// <param name="AttentionMaps">
/// Features used only by attention terms travel as their attention maps (B, H, W) instead of (B, C, H, W): C times
/// fewer numbers and the same loss (the map is what the loss reads). Hints always need the full feature.
/// </param>
/// <param name="Float16">Values travel as IEEE half precision (2 bytes instead of 4); the student widens them back.</param>
public sealed record FeatureWire(bool AttentionMaps = false, bool Float16 = false)
{
    /// <summary>Full features in float32.</summary>
    public static FeatureWire Default { get; } = new();
}
