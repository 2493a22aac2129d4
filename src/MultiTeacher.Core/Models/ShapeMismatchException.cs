namespace MultiTeacher.Core.Models;

/// <summary>A tensor of the wrong shape reached a layer, a model or a loss; the message names both shapes.</summary>
public sealed class ShapeMismatchException : ArgumentException
{
    /// <summary>Creates the exception with a message that names the place and both shapes.</summary>
    public ShapeMismatchException(string message) : base(message)
    {
    }
}
