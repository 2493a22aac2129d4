using MultiTeacher.Core.Torch;

namespace MultiTeacher.Core.Tests.Training;

/// <summary>Tests that change LibTorch's process-wide thread count run in this collection, one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchThreadsCollection
{
    public const string Name = "torch threads";

    /// <summary>Sets <see cref="TorchRuntime.Threads"/> until the returned scope is disposed.</summary>
    public static IDisposable Use(int threads)
    {
        var previous = TorchRuntime.Threads;
        TorchRuntime.Threads = threads;
        return new Restore(previous);
    }

    private sealed class Restore(int previous) : IDisposable
    {
        public void Dispose() => TorchRuntime.Threads = previous;
    }
}
