using System.Globalization;

namespace MultiTeacher.Distillation.Experiments;

/// <summary>A teacher to train (or reuse): architecture, seed and epochs, and how many training rows it sees.</summary>
public sealed record TeacherSpec(string Arch, long Seed, int Epochs, int? TrainRows = null)
{
    /// <summary>A short id for tables and files, for example <c>mlp-784-1200-1200-10-d0.2-s1</c>.</summary>
    public string Id => Sanitize(Arch) + "-s" + Seed.ToString(CultureInfo.InvariantCulture);

    /// <summary>The cache file name under the models folder: architecture, seed, epochs (and rows when not all).</summary>
    public string FileName => Id + "-e" + Epochs.ToString(CultureInfo.InvariantCulture)
        + (TrainRows is { } n ? "-n" + n.ToString(CultureInfo.InvariantCulture) : "") + ".safetensors";

    private static string Sanitize(string arch) =>
        arch.Replace(":", "-", StringComparison.Ordinal).Replace("?dropout=", "-d", StringComparison.Ordinal)
            .Replace("?", "-", StringComparison.Ordinal).Replace("=", "", StringComparison.Ordinal).Replace("&", "-", StringComparison.Ordinal);
}
