namespace MultiTeacher.Core.Models;

/// <summary>A layer name that a model does not have; the message lists the names it has.</summary>
public sealed class UnknownLayerException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="layer"/> of <paramref name="model"/>, listing <paramref name="known"/>.</summary>
    public UnknownLayerException(string model, string layer, IEnumerable<string> known)
        : base($"{model} has no layer '{layer}'; its layers are {string.Join(", ", known)}")
    {
        Layer = layer;
    }

    /// <summary>The name that was asked for.</summary>
    public string Layer { get; } = "";
}
