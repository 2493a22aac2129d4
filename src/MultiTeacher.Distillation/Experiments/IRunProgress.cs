namespace MultiTeacher.Distillation.Experiments;

/// <summary>Where a long run reports what it is doing: one phase at a time, each with a amount of work to do.</summary>
public interface IRunProgress
{
    /// <summary>Starts a phase of <paramref name="total"/> units; dispose the handle when it ends.</summary>
    IPhase Phase(string name, double total);
}

/// <summary>One phase of a run.</summary>
public interface IPhase : IDisposable
{
    /// <summary>Sets how much is done, with an optional detail such as the current loss.</summary>
    void Report(double done, string? detail = null);
}

/// <summary>Progress that goes nowhere (tests, pipes).</summary>
public sealed class SilentProgress : IRunProgress, IPhase
{
    /// <summary>The one instance.</summary>
    public static SilentProgress Instance { get; } = new();

    /// <inheritdoc />
    public IPhase Phase(string name, double total) => this;

    /// <inheritdoc />
    public void Report(double done, string? detail = null)
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
