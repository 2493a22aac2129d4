namespace MultiTeacher.Distillation.Pipeline;

/// <summary>A distillation run that cannot finish; the message says which shard or actor and why.</summary>
public sealed class PipelineException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PipelineException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public PipelineException(string message, Exception inner) : base(message, inner)
    {
    }
}
