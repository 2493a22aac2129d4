using System.Globalization;
using MultiTeacher.Configuration;
using MultiTeacher.Distillation.Online;

namespace MultiTeacher.Cli.Commands;

/// <summary>Reads the <c>multiteacher.online</c> section of the configuration into an <see cref="OnlineRequest"/>.</summary>
internal static class OnlineConfig
{
    public const string Section = "multiteacher.online";

    public static OnlineRequest Read(LoadedConfiguration configuration, string baseDirectory)
    {
        var c = configuration.Section(Section);
        var (burnInSteps, burnInEpochs) = c.Get("burn-in", "a step count such as 235 or epochs such as \"1 epoch\"", ParseBurnIn);
        var settings = new OnlineSettings
        {
            Peers = c.GetInt("peers"),
            Partitioning = c.Get("partitioning", "disjoint or shared", text => text.ToLowerInvariant() switch
            {
                "disjoint" => Partitioning.Disjoint,
                "shared" => Partitioning.Shared,
                _ => throw new FormatException($"unknown partitioning '{text}'"),
            }),
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
        var (teachers, teacherOptions, weights) = TeacherEntries.Read(c, "teachers", baseDirectory);
        if (weights.Any(w => w is not null))
        {
            throw new InvalidConfigurationException($"{Section}.teachers: weight is not used by mt online (its teachers join the peers' mean with weight 1)");
        }

        return new OnlineRequest
        {
            Arch = Core.Models.Architecture.ResolveScriptPath(c.GetString("arch"), baseDirectory),
            Settings = settings,
            Seeds = c.GetList("seeds", "integers", t => long.Parse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)),
            Data = DataConfig.Read(configuration, baseDirectory),
            Teachers = teachers,
            TeacherOptions = teacherOptions,
            TrainRows = c.HasValue("train-rows") ? c.Get("train-rows", "a row count or all", DistillConfig.ParseRows) : null,
            TestRows = c.HasValue("test-rows") ? c.Get("test-rows", "a row count or all", DistillConfig.ParseRows) : null,
        };
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

        return (int.Parse(t, NumberStyles.None, CultureInfo.InvariantCulture), null);
    }
}
