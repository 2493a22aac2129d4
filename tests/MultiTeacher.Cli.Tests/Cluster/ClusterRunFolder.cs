using System.Globalization;
using MultiTeacher.Core.Data;

namespace MultiTeacher.Cli.Tests.Cluster;

/// <summary>
/// A small distillation for multi-process runs, written to a folder: synthetic .npy data (4 classes, 64 features)
/// and two teachers' logits (.npy, the class signal plus each teacher's own noise), and the run.hocon naming them.
/// </summary>
internal static class ClusterRunFolder
{
    public const int Classes = 4;
    public const int Features = 64;

    /// <summary>Writes the data, the teachers and run.hocon into <paramref name="directory"/>; returns the configuration file.</summary>
    public static string Write(string directory, int trainRows = 12000, int epochs = 3)
    {
        var all = SyntheticDataset.Create(trainRows + 400, Classes, Features, seed: 3);
        var (train, test) = (all.Slice(0, trainRows), all.Slice(trainRows, 400));
        Npy.Write(Path.Combine(directory, "train-x.npy"), train.Inputs, train.Count, Features);
        Npy.Write(Path.Combine(directory, "train-y.npy"), Array.ConvertAll(train.Labels, l => (long)l), train.Count);
        Npy.Write(Path.Combine(directory, "test-x.npy"), test.Inputs, test.Count, Features);
        Npy.Write(Path.Combine(directory, "test-y.npy"), Array.ConvertAll(test.Labels, l => (long)l), test.Count);
        for (var t = 0; t < 2; t++)
        {
            var random = new Random(10 + t);
            var logits = new float[train.Count * Classes];
            for (var r = 0; r < train.Count; r++)
            {
                for (var c = 0; c < Classes; c++)
                {
                    logits[(r * Classes) + c] = (c == train.Labels[r] ? 2.5f : 0f) + ((random.NextSingle() - 0.5f) * 3f);
                }
            }

            Npy.Write(Path.Combine(directory, $"t{t}.npy"), logits, train.Count, Classes);
        }

        var config = Path.Combine(directory, "run.hocon");
        File.WriteAllText(config, string.Create(CultureInfo.InvariantCulture, $$"""
            multiteacher {
              threads = 1
              data { train-x = train-x.npy, train-y = train-y.npy, test-x = test-x.npy, test-y = test-y.npy }
              distill {
                teacher-logits = [t0.npy, t1.npy]
                student = "mlp:{{Features}}-128-{{Classes}}"
                seed = 7
                epochs = {{epochs}}
                batch = 16
                shard-size = 64
                validation = 1000
                labels = 50%
                checkpoint-every = 0
                shard-deadline = 120s
              }
            }
            """));
        return config;
    }
}
