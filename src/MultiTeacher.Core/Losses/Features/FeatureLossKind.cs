namespace MultiTeacher.Core.Losses.Features;

/// <summary>Which loss joins a student feature to teacher features.</summary>
public enum FeatureLossKind
{
    /// <summary>FitNets hint: MSE through a learned adapter (<see cref="HintLoss"/>).</summary>
    Hint,

    /// <summary>Attention transfer on spatial attention maps (<see cref="AttentionTransfer"/>).</summary>
    Attention,
}

/// <summary>The configuration names of <see cref="FeatureLossKind"/>: <c>hint</c> and <c>attention</c>.</summary>
public static class FeatureLossKinds
{
    /// <summary>The kind named <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">The name is neither <c>hint</c> nor <c>attention</c>.</exception>
    public static FeatureLossKind Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "hint" => FeatureLossKind.Hint,
            "attention" => FeatureLossKind.Attention,
            _ => throw new ArgumentException($"unknown feature loss '{name}'; expected 'hint' or 'attention'", nameof(name)),
        };
    }

    /// <summary>The configuration name of <paramref name="kind"/>.</summary>
    public static string Name(FeatureLossKind kind) => kind == FeatureLossKind.Hint ? "hint" : "attention";
}
