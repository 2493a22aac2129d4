using System.CommandLine;
using MultiTeacher.Core.Numerics;

namespace MultiTeacher.Cli.Commands;

/// <summary>Options several commands share, so they read and behave the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string?> Data() => new("--data")
    {
        Description = "Folder of IDX files (default: $MT_DATA, then /usr/share/datasets/fashion-mnist).",
    };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "Threads for the neural-network core.",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    public static Option<bool> Json(string what) => new("--json") { Description = $"Print {what} as JSON." };

    public static Option<string> Split(string defaultSplit) => new Option<string>("--split")
    {
        Description = "Dataset split: train or test.",
        DefaultValueFactory = _ => defaultSplit,
    }.AcceptOnlyFromAmong("train", "test");

    /// <summary>Applies --threads to the core.</summary>
    public static void ApplyThreads(int threads) => Gemm.Threads = threads;
}
