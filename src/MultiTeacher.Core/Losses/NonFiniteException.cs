namespace MultiTeacher.Core.Losses;

/// <summary>NaN or infinity reached a loss or an ensemble; the message names where, the tensor's shape and the element.</summary>
public sealed class NonFiniteException : ArithmeticException
{
    /// <summary>Creates the exception.</summary>
    public NonFiniteException(string message) : base(message)
    {
    }
}
