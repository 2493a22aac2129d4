using System.Diagnostics;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;

namespace MultiTeacher.Core.Teachers;

/// <summary>A teacher's pass over a dataset, and its speed, whatever its format.</summary>
public static class TeacherInference
{
    /// <summary>Rows per forward pass.</summary>
    public const int BatchSize = 256;

    /// <summary>The logits of every row of <paramref name="data"/>, (Count × classes) row-major; every batch is checked as the probe is.</summary>
    /// <exception cref="TeacherRefusedException">A batch's output is not finite (rows × classes).</exception>
    public static float[] Logits(ITeacherNetwork teacher, Dataset data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(data);
        var classes = data.Classes;
        var logits = new float[(long)data.Count * classes];
        for (var first = 0; first < data.Count; first += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = Math.Min(BatchSize, data.Count - first);
            var output = teacher.Run(data.Inputs.AsMemory(first * data.Features, rows * data.Features), rows, data.SampleShape);
            TeacherProbe.CheckOutput(teacher.Path, output, rows, data);
            output.Values.CopyTo(logits.AsSpan(first * classes, rows * classes));
        }

        return logits;
    }

    /// <summary>
    /// Samples per second of forward passes at batch 256 on inputs of <paramref name="sampleShape"/>: the best of
    /// <paramref name="rounds"/> rounds of about <paramref name="seconds"/> each.
    /// </summary>
    public static double SamplesPerSecond(ITeacherNetwork teacher, int[] sampleShape, double seconds = 0.15, int rounds = 3)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        var input = new float[BatchSize * ShapeText.Product(sampleShape)];
        Array.Fill(input, 0.5f);
        teacher.Run(input, BatchSize, sampleShape);
        var best = 0.0;
        for (var round = 0; round < rounds; round++)
        {
            var n = 0;
            var watch = Stopwatch.StartNew();
            do
            {
                teacher.Run(input, BatchSize, sampleShape);
                n++;
            }
            while (watch.Elapsed.TotalSeconds < seconds);
            best = Math.Max(best, n * BatchSize / watch.Elapsed.TotalSeconds);
        }

        return best;
    }
}
