using System.Globalization;
using MultiTeacher.Configuration;
using MultiTeacher.Distillation.Online;

namespace MultiTeacher.Cli.Commands;

/// <summary>Reads the <c>multiteacher.online</c> section of the configuration into an <see cref="OnlineRequest"/>.</summary>
internal static class OnlineConfig
{
    public const string Section = "multiteacher.online";

    public static OnlineRequest Read(HoconConfig root, string baseDirectory)
    {
        var c = root.GetConfig(Section);
        var (burnInSteps, burnInEpochs) = ParseBurnIn(c.GetString("burn-in"));
        var settings = new OnlineSettings
        {
            Peers = c.GetInt("peers"),
            Partitioning = c.GetString("partitioning").ToLowerInvariant() switch
            {
                "disjoint" => Partitioning.Disjoint,
                "shared" => Partitioning.Shared,
                var other => throw new FormatException($"{Section}.partitioning = '{other}': expected disjoint or shared"),
            },
            ExchangeEverySteps = c.GetInt("exchange-every"),
            BurnInSteps = burnInSteps,
            BurnInEpochs = burnInEpochs,
            MaxStalenessSteps = c.GetInt("max-staleness"),
            WaitForPeers = c.GetBoolean("wait-for-peers"),
            PeerTimeout = c.GetDuration("peer-timeout"),
            Temperature = (float)c.GetDouble("temperature"),
            Alpha = (float)c.GetDouble("alpha"),
            Epochs = c.GetInt("epochs"),
            BatchSize = c.GetInt("batch"),
            LearningRate = (float)c.GetDouble("lr"),
        };
        return new OnlineRequest
        {
            Arch = c.GetString("arch"),
            Settings = settings,
            Seeds = List(c, "seeds").Select(s => long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture)).ToList(),
            Teachers = List(c, "teachers").Select(p => Path.GetFullPath(p, baseDirectory)).ToList(),
            TrainRows = Rows(c, "train-rows"),
            TestRows = Rows(c, "test-rows"),
        };
    }

    /// <summary>A row count, or null for "all" (or a missing key).</summary>
    private static int? Rows(HoconConfig c, string key) => c.HasPath(key) && c.GetString(key) != "all" ? c.GetInt(key) : null;

    /// <summary>An array, or (as `--set key=a,b` gives) a comma-separated string.</summary>
    private static IReadOnlyList<string> List(HoconConfig c, string key)
    {
        try
        {
            return c.GetStringList(key);
        }
        catch (HoconException)
        {
            return c.GetString(key).Trim('[', ']').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
    }

    /// <summary>"250" is 250 steps; "1 epoch", "0.5 epochs" are epochs of a peer's partition.</summary>
    private static (int Steps, double? Epochs) ParseBurnIn(string text)
    {
        var t = text.Trim();
        foreach (var unit in new[] { "epochs", "epoch" })
        {
            if (t.EndsWith(unit, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(t[..^unit.Length].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var epochs))
            {
                return (0, epochs);
            }
        }

        if (t.EndsWith("steps", StringComparison.OrdinalIgnoreCase))
        {
            t = t[..^"steps".Length].Trim();
        }

        return int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var steps)
            ? (steps, null)
            : throw new FormatException($"{Section}.burn-in = '{text}': expected a step count such as 235 or epochs such as \"1 epoch\"");
    }
}
