using System.Diagnostics;
using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Tests;

/// <summary>
/// One teacher network shared by the replicas of two overlapping runs (as a <c>--live</c> teacher node keeps it) while
/// checkpoints swap its weights: every pass sees one whole set of weights, never half of each.
/// </summary>
public sealed class SharedLogitSourceTests
{
    private const string Arch = "mlp:32-64-64-4";

    [Fact]
    public async Task ModelLogitSource_TwoThreadsAndSwaps_EveryPassIsOfOneVersionAndSaysWhich()
    {
        var (a, b) = (Model.Create(Arch, 1), Model.Create(Arch, 2));
        var rows = Enumerable.Range(0, Fixtures.Data.Count).ToArray();
        var expected = new[] { Logits(new ModelLogitSource(a, Fixtures.Data), rows), Logits(new ModelLogitSource(b, Fixtures.Data), rows) };
        var weights = new[] { a.GetWeights(), b.GetWeights() };
        var shared = new ModelLogitSource(Model.Create(Arch, 1), Fixtures.Data);
        var clock = Stopwatch.StartNew();
        var passes = 0;

        void Serve()
        {
            var destination = new float[expected[0].Length];
            while (clock.Elapsed < TimeSpan.FromSeconds(1.5))
            {
                long version;
                do
                {
                    version = shared.Version;
                    shared.Logits(rows, destination);
                }
                while (version != shared.Version);

                Assert.Equal(expected[version % 2], destination);
                Interlocked.Increment(ref passes);
            }
        }

        void SwapAlternately()
        {
            for (var version = 1L; clock.Elapsed < TimeSpan.FromSeconds(1.5); version++)
            {
                shared.Swap(weights[version % 2], version);
            }
        }

        await Task.WhenAll(Task.Run(Serve), Task.Run(Serve), Task.Run(SwapAlternately));
        Assert.True(passes > 10, $"only {passes} passes");
    }

    private static float[] Logits(ModelLogitSource source, int[] rows)
    {
        var logits = new float[rows.Length * source.Classes];
        source.Logits(rows, logits);
        return logits;
    }
}
