using MultiTeacher.Cluster.Testing;
using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Numerics;

namespace MultiTeacher.Integration.Tests;

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}

/// <summary>
/// One throwaway broker for the whole collection, a run configuration distilling a small student from two teachers'
/// logits on Fashion-MNIST (one thread per process, so runs are bit for bit reproducible), and the student that the
/// same configuration gives in one process — the reference every cluster run must reproduce.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private int _prefixes;

    public BrokerProcess Broker { get; private set; } = null!;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"mt-integration-{Guid.NewGuid():N}");

    public string Config => Path.Combine(Directory, "run.hocon");

    /// <summary>The student's weights from `mt distill` of the same configuration, in one process.</summary>
    public float[] ReferenceWeights { get; private set; } = [];

    public string NewPrefix() => $"it{Interlocked.Increment(ref _prefixes)}";

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["MT_RABBITMQ_URI"] = Broker.Uri.ToString() };

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var labels = DatasetCatalog.Load(null, "train").Labels;
        WriteTeacherLogits(Path.Combine(Directory, "t1.npy"), labels, seed: 1, classes: 10);
        WriteTeacherLogits(Path.Combine(Directory, "t2.npy"), labels, seed: 2, classes: 10);
        WriteTeacherLogits(Path.Combine(Directory, "t5classes.npy"), labels, seed: 3, classes: 5);
        await File.WriteAllTextAsync(Config, """
            multiteacher {
              threads = 1
              cluster { heartbeat-interval = 500ms, failure-timeout = 3s }
              distill {
                teacher-logits = ["t1.npy", "t2.npy"]
                student = "mlp:784-32-10"
                epochs = 2
                labels = 600
                shard-size = 2048
                max-shards-in-flight = 4
                shard-deadline = 3s
                checkpoint-every = 0
              }
            }
            """);
        Broker = await BrokerProcess.StartAsync();
        var reference = Path.Combine(Directory, "reference");
        using var distill = NodeProcess.Start("mt distill", ["distill", "--config", Config, "--out", reference], new Dictionary<string, string>());
        var exit = await distill.WaitForExitAsync(TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, $"mt distill failed:\n{distill.Output}");
        ReferenceWeights = StudentWeights(reference);
    }

    public async Task DisposeAsync()
    {
        await Broker.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    public static float[] StudentWeights(string outDirectory) =>
        ModelCheckpoint.Load(Path.Combine(outDirectory, "students", "student.safetensors")).Model.Parameters.Values;

    // A teacher that mostly knows the label: logit 3 on the true class plus seeded noise, so the student has
    // something to learn from and every teacher differs.
    private static void WriteTeacherLogits(string path, int[] labels, ulong seed, int classes)
    {
        var rng = new Rng(seed);
        var logits = new float[labels.Length * classes];
        for (var row = 0; row < labels.Length; row++)
        {
            for (var c = 0; c < classes; c++)
            {
                logits[row * classes + c] = (float)rng.NextGaussian() + (labels[row] % classes == c ? 3f : 0f);
            }
        }

        Npy.Write(path, logits, labels.Length, classes);
    }
}
