namespace MultiTeacher.Actors.TestKit;

/// <summary>A test probe's expectation was not met.</summary>
public sealed class TestKitException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TestKitException()
    {
    }

    /// <summary>Creates the exception with a message that says what was expected and what happened.</summary>
    public TestKitException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public TestKitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
