namespace MultiTeacher.Core.Losses;

/// <summary>How the tempered distributions of several teachers are combined into one soft target p̄.</summary>
public enum EnsembleMethod
{
    /// <summary>Arithmetic mean of the tempered probabilities (weights all 1).</summary>
    Mean,

    /// <summary>Weighted arithmetic mean: <c>p̄ = Σ_k w_k p_k / Σ_k w_k</c>.</summary>
    Weighted,

    /// <summary>Softmax of the weighted mean of the tempered log-probabilities.</summary>
    Geometric,
}
