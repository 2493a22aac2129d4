namespace MultiTeacher.Core.Numerics;

/// <summary>
/// Splits a loop over [0, count) into one contiguous range per thread (<see cref="Gemm.Threads"/> of them), for the
/// element-wise work of layers. Small work runs inline: starting threads costs more than it saves.
/// </summary>
public static class ParallelRange
{
    /// <summary>Work (in elements touched) below which the loop runs on the calling thread.</summary>
    public const long InlineBelow = 1 << 16;

    /// <summary>Calls <paramref name="body"/>(first, end) over disjoint ranges covering [0, count).</summary>
    public static void For(int count, long work, Action<int, int> body)
    {
        var threads = Math.Min(Gemm.Threads, count);
        if (threads <= 1 || work < InlineBelow)
        {
            body(0, count);
            return;
        }

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var first = (int)((long)count * t / threads);
            var end = (int)((long)count * (t + 1) / threads);
            body(first, end);
        });
    }
}
