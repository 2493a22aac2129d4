namespace MultiTeacher.Core.Torch;

/// <summary>LibTorch cannot be loaded or the configured device is missing; the message says what and why.</summary>
public sealed class TorchUnavailableException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public TorchUnavailableException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
