using System.Diagnostics;
using MultiTeacher.Core.Models;
using TorchSharp;

namespace MultiTeacher.Distillation.Experiments;

/// <summary>Inference throughput of a model, for the demo's table (batch 256, as <c>mt bench nn</c>).</summary>
public static class Throughput
{
    /// <summary>
    /// Samples per second of evaluation-mode forward passes: the best of three rounds of about
    /// <paramref name="seconds"/> each, so a busy moment on a shared machine does not decide the figure.
    /// </summary>
    public static double InferenceSamplesPerSecond(Model model, double seconds = 0.15) =>
        Enumerable.Range(0, 3).Max(_ => Round(model, seconds));

    private static double Round(Model model, double seconds)
    {
        const int Batch = 256;
        using var scope = torch.NewDisposeScope();
        using var inference = torch.inference_mode();
        model.eval();
        using var half = 0.5f.ToScalar(); // explicit and alive until the op is done (see Scalars)
        var input = torch.full(Batch, model.Architecture.InputSize, half, device: Core.Torch.TorchRuntime.Device); // (B, features)
        model.forward(input).Dispose();
        var n = 0;
        var watch = Stopwatch.StartNew();
        do
        {
            model.forward(input).Dispose();
            n++;
        }
        while (watch.Elapsed.TotalSeconds < seconds);
        return n * Batch / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Throughput of an ensemble run one member after another: 1 / Σ (1 / member throughput).</summary>
    public static double Sequential(IEnumerable<double> members) => 1 / members.Sum(m => 1 / m);
}
