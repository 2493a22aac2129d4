using System.Text.Json;
using MultiTeacher.Core.Checkpoints;

namespace MultiTeacher.Cli.Tests.Cluster;

/// <summary>
/// Feature distillation on a cluster: a coordinator process whose configuration has <c>features</c> and a teacher
/// process serving the features over Akka.Remote train the student <c>mt distill</c> trains in one process, bit for
/// bit; a shard output larger than Akka.Remote's frame is refused before the run, naming the layer, the bytes and the
/// limit, and so is resuming a run with hint terms (the saved state does not hold their adapters).
/// </summary>
public sealed class NodeFeatureTests
{
    private static readonly TimeSpan s_run = TimeSpan.FromMinutes(3);

    // Attention maps of the safetensors cnn's layer 3 (8, 11, 11) into the student's layer 3 (16, 11, 11), and a hint
    // from the ONNX teacher's extra output 'hidden' (16) to the student's hidden layer 7 (32) through a linear adapter.
    private const string Features = """
        features = [
          { teacher = cnn, layer = "3", student-layer = "3", loss = attention, weight = 1 }
          { teacher = cnn_features, layer = hidden, student-layer = "7", loss = hint, weight = 0.5 }
        ]
        feature-form = attention-map
        """;

    [Fact]
    public async Task CoordinatorAndTeacherNode_AttentionAndHintFeatures_StudentEqualsMtDistill()
    {
        using var dir = new TempDirectory();
        var config = Write(dir, Features);
        var outDirectory = Path.Combine(dir.Path, "cluster");

        // The cluster runs first, so the teacher node computes the feature passes (the cache beside the teacher files
        // is cold); mt distill then reads them.
        var teacherOutput = await NodeProcess.RunCoordinatorAndTeacherAsync(config, outDirectory, s_run);
        Assert.Contains("features of teacher cnn: 3 (attention map)", teacherOutput, StringComparison.Ordinal);
        Assert.Equal(2, Directory.GetFiles(dir.Path, "*.features.npy").Length);

        var local = await MtProcess.RunAsync(["distill", "--config", config, "--out", Path.Combine(dir.Path, "local")]);
        Assert.True(local.ExitCode == 0, local.Err);

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDirectory, "summary.json")));
        var shards = summary.RootElement.GetProperty("shards");
        Assert.Equal((2, 2, 0), (shards.GetProperty("aggregated").GetInt32(), shards.GetProperty("trained").GetInt32(), shards.GetProperty("closed_incomplete").GetInt32()));
        var features = summary.RootElement.GetProperty("features");
        Assert.Equal(["attention(3)", "hint(7)"], features.GetProperty("terms").EnumerateArray().Select(t => t.GetString()));
        // Per shard of 256 rows (the last one, of 244, lowers the mean): cnn's attention map (11, 11) and cnn_features' hidden (16), float32.
        Assert.Equal(250 * ((11 * 11) + 16) * 4, features.GetProperty("feature_bytes_per_shard").GetInt64());
        Assert.Equal(250 * 10 * 4 * 2, features.GetProperty("logit_bytes_per_shard").GetInt64());
        Assert.True(features.GetProperty("last_epoch_terms").GetProperty("hint(7)").GetDouble() > 0);
        Assert.Equal(Weights(Path.Combine(dir.Path, "local")), Weights(outDirectory));
    }

    [Fact]
    public async Task Coordinator_FullFeatureLargerThanTheFrame_RefusedNamingLayerBytesAndLimit()
    {
        using var dir = new TempDirectory();
        var config = Write(dir, """features = [{ teacher = cnn, layer = "3", student-layer = "3", loss = hint }]""");

        using var coordinator = NodeProcess.Start("coordinator", ["--config", config, "--hostname", "127.0.0.1", "--port", "0", "--roles", "coordinator,aggregator,student",
            "--out", Path.Combine(dir.Path, "cluster"), "--set", "akka.remote.dot-netty.tcp.maximum-frame-size=200000b"]);

        Assert.Equal(2, await coordinator.WaitAsync(s_run));
        // 256 rows × (10 logits + 8 × 11 × 11 feature values) × 4 bytes.
        Assert.Contains("teacher cnn: layer 3 as full feature (8, 11, 11) per row: 1,001,472 bytes per shard of 256 rows (logits included) exceed " +
            "Akka.Remote's frame of 200,000 bytes", coordinator.Output, StringComparison.Ordinal);
        Assert.Contains("feature-form = attention-map", coordinator.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.Path, "cluster", "summary.json")));
    }

    [Fact]
    public async Task Coordinator_ResumeOfARunWithHintTerms_RefusedBeforeAnythingRuns()
    {
        using var dir = new TempDirectory();
        var config = Write(dir, Features);
        Directory.CreateDirectory(Path.Combine(dir.Path, "cluster", "students"));
        File.WriteAllText(Path.Combine(dir.Path, "cluster", "students", "student.state.safetensors"), "a saved state");

        using var coordinator = NodeProcess.Start("coordinator", ["--config", config, "--hostname", "127.0.0.1", "--port", "0", "--roles", "coordinator,aggregator,student",
            "--resume", Path.Combine(dir.Path, "cluster")]);

        Assert.Equal(2, await coordinator.WaitAsync(s_run));
        Assert.Contains("the run has hint terms, and the saved state holds the student but not its hint adapters", coordinator.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.npy"));
    }

    private static string Write(TempDirectory dir, string features)
    {
        File.Copy(Repository.TeacherFixture("cnn.safetensors"), Path.Combine(dir.Path, "cnn.safetensors"));
        File.Copy(Repository.TeacherFixture(Path.Combine("features", "cnn_features.onnx")), Path.Combine(dir.Path, "cnn_features.onnx"));
        var config = Path.Combine(dir.Path, "run.hocon");
        File.WriteAllText(config, $$"""
            multiteacher {
              threads = 1
              distill {
                teachers = ["{{Path.Combine(dir.Path, "cnn.safetensors")}}", { path = "{{Path.Combine(dir.Path, "cnn_features.onnx")}}", output = logits }]
                student = "cnn:8-16-32"
                train-rows = 600
                validation = 100
                seed = 4
                epochs = 1
                batch = 32
                shard-size = 256
                checkpoint-every = 0
                shard-deadline = 120s
                {{features}}
              }
            }
            """);
        return config;
    }

    private static float[] Weights(string outDirectory) =>
        ModelCheckpoint.Load(Path.Combine(outDirectory, "students", "student.safetensors")).Model.GetWeights();
}
