using MultiTeacher.Core.Numerics;

namespace MultiTeacher.Core.Tests.Training;

/// <summary>Tests that change the process-wide GEMM thread count run in this collection, one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GemmThreadsCollection
{
    public const string Name = "GEMM threads";

    /// <summary>Sets <see cref="Gemm.Threads"/> until the returned scope is disposed.</summary>
    public static IDisposable Use(int threads)
    {
        var previous = Gemm.Threads;
        Gemm.Threads = threads;
        return new Restore(previous);
    }

    private sealed class Restore(int previous) : IDisposable
    {
        public void Dispose() => Gemm.Threads = previous;
    }
}
