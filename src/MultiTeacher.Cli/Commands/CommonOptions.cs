using System.CommandLine;
using MultiTeacher.Configuration;
using MultiTeacher.Core.Torch;

namespace MultiTeacher.Cli.Commands;

/// <summary>Options several commands share, so they read and behave the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string?> Data() => new("--data")
    {
        Description = "Folder of IDX files (default: $MT_DATA, then /usr/share/datasets/fashion-mnist).",
    };

    public static Option<int?> Threads() => new("--threads")
    {
        Description = "Threads for the neural-network core (default: multiteacher.threads of cluster.hocon, after MT_ overrides).",
    };

    public static Option<bool> Json(string what) => new("--json") { Description = $"Print {what} as JSON." };

    public static Option<string> Split(string defaultSplit) => new Option<string>("--split")
    {
        Description = "Dataset split: train or test.",
        DefaultValueFactory = _ => defaultSplit,
    }.AcceptOnlyFromAmong("train", "test");

    /// <summary>
    /// Applies --threads, else <c>multiteacher.threads</c> of <paramref name="config"/> (or of the repository's
    /// cluster.hocon), as LibTorch's intra-op threads, and <c>multiteacher.device</c> as the device of every model.
    /// </summary>
    public static void ApplyThreads(int? threads, LoadedConfiguration? config = null)
    {
        config ??= CliConfiguration.Load();
        threads ??= config.Root.GetInt("multiteacher.threads");
        if (threads < 1)
        {
            throw new CliUsageException($"threads must be at least 1, got {threads}");
        }

        TorchRuntime.Threads = threads.Value;
        TorchRuntime.UseDevice(config.Root.HasValue("multiteacher.device") ? config.Root.GetString("multiteacher.device") : "cpu");
    }
}
