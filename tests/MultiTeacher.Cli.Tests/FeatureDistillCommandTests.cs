using System.Text.Json;

namespace MultiTeacher.Cli.Tests;

/// <summary><c>mt distill</c> with <c>features</c>: a short run reports its terms and wire sizes; bad entries are refused with what exists.</summary>
public sealed class FeatureDistillCommandTests
{
    [Fact]
    public async Task Distill_AttentionFromCnnTeacher_ReportsTermsAndBytesPerShard()
    {
        using var dir = new TempDirectory();
        File.Copy(Repository.TeacherFixture("cnn.safetensors"), Path.Combine(dir.Path, "cnn.safetensors"));
        var config = Write(dir, """{ teacher = cnn, layer = "3", student-layer = "3", loss = attention, weight = 1 }""", "feature-form = attention-map");

        var (code, _, stderr) = await MtProcess.RunAsync(["distill", "--config", config, "--out", Path.Combine(dir.Path, "out")]);

        Assert.True(code == 0, stderr);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "out", "summary.json")));
        var features = summary.RootElement.GetProperty("features");
        Assert.Equal("attention(3)", features.GetProperty("terms")[0].GetString());
        Assert.True(features.GetProperty("attention_maps").GetBoolean());
        // One shard of 256 rows: cnn:4-8-16's layer 3 is (8, 11, 11), its attention map (11, 11) floats per row.
        Assert.Equal(256 * 11 * 11 * 4, features.GetProperty("feature_bytes_per_shard").GetInt64());
        Assert.Equal(256 * 10 * 4, features.GetProperty("logit_bytes_per_shard").GetInt64());
        Assert.True(features.GetProperty("last_epoch_terms").GetProperty("attention(3)").GetDouble() > 0);
    }

    [Fact]
    public async Task BenchPipelineFeatures_OneShard_ReportsEachModesBytesPerShard()
    {
        var (code, stdout, stderr) = await MtProcess.RunAsync(["bench", "pipeline", "--features", "--rows", "512", "--rounds", "1", "--json"]);

        Assert.True(code == 0, stderr);
        using var result = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        long Bytes(string mode) => result.RootElement.GetProperty($"{mode}_bytes_per_shard").GetInt64();
        const long logits = 512 * 10 * 4;
        Assert.Equal(logits, Bytes("logits"));
        Assert.Equal(logits + (512 * 64 * 11 * 11 * 4), Bytes("full_features"));
        Assert.Equal(logits + (512 * 11 * 11 * 4), Bytes("attention_maps"));
        Assert.Equal(logits + (512 * 11 * 11 * 2), Bytes("attention_maps_f16"));
        Assert.True(result.RootElement.GetProperty("attention_maps_samples_per_s").GetDouble() > 0);
    }

    [Theory]
    [InlineData("""{ teacher = cnn, layer = "features.3", student-layer = "3", loss = attention }""", "has no layer 'features.3'; its layers are 0: Conv2d(1→4, 3×3)")]
    [InlineData("""{ teacher = cnn, layer = "0", student-layer = "3", loss = hint }""", "no adapter joins the student feature (16, 11, 11) to the teacher feature (4, 26, 26)")]
    [InlineData("""{ teacher = mlp, layer = "0", student-layer = "3", loss = hint }""", "feature entry for teacher 'mlp': the run's teachers are cnn")]
    [InlineData("""{ teacher = cnn, layer = "3", student-layer = "3", loss = mse }""", "features: item 0: unknown feature loss 'mse'")]
    public async Task Distill_BadFeatureEntry_RefusedNamingWhatExists(string entry, string expected)
    {
        using var dir = new TempDirectory();
        File.Copy(Repository.TeacherFixture("cnn.safetensors"), Path.Combine(dir.Path, "cnn.safetensors"));
        var config = Write(dir, entry);

        var (code, _, stderr) = await MtProcess.RunAsync(["distill", "--config", config, "--out", Path.Combine(dir.Path, "out")]);

        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.Path, "out", "summary.json")));
    }

    [Fact]
    public async Task Distill_TorchScriptAndOnnxFeatureTeachers_OneAttentionTermFromBoth_FeaturesCachedBesideEach()
    {
        using var dir = new TempDirectory();
        var config = WritePyTorch(dir, """
            { teacher = cnn, layer = "3", student-layer = "3", loss = attention }
            { teacher = cnn_features, layer = conv, student-layer = "3", loss = attention }
            """);

        var (code, _, stderr) = await MtProcess.RunAsync(["distill", "--config", config, "--out", Path.Combine(dir.Path, "out")]);

        Assert.True(code == 0, stderr);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "out", "summary.json")));
        var features = summary.RootElement.GetProperty("features");
        Assert.Equal("attention(3)", Assert.Single(features.GetProperty("terms").EnumerateArray()).GetString());
        // One shard of 256 rows: the TorchScript cnn's layer 3 (8, 11, 11) and the ONNX output conv (4, 13, 13), as maps.
        Assert.Equal(256 * ((11 * 11) + (13 * 13)) * 4, features.GetProperty("feature_bytes_per_shard").GetInt64());
        Assert.True(features.GetProperty("last_epoch_terms").GetProperty("attention(3)").GetDouble() > 0);
        Assert.Single(Directory.GetFiles(dir.Path, "cnn.*.3.attention-p2.*.features.npy"));
        Assert.Single(Directory.GetFiles(dir.Path, "cnn_features.*.conv.attention-p2.*.features.npy"));
    }

    [Theory]
    [InlineData("cnn", "has no layer 'conv'; its layers are 0, 1, 2, 3, 4, 5, 6, 7, 8, 9")]
    [InlineData("cnn_features", "has no layer '3'; its layers are conv, hidden")]
    public async Task Distill_PyTorchFeatureTeacher_UnknownLayer_RefusedListingTheNamesThatExist(string teacher, string expected)
    {
        using var dir = new TempDirectory();
        var layer = teacher == "cnn" ? "conv" : "3";
        var config = WritePyTorch(dir, $$"""{ teacher = {{teacher}}, layer = "{{layer}}", student-layer = "3", loss = attention }""");

        var (code, _, stderr) = await MtProcess.RunAsync(["distill", "--config", config, "--out", Path.Combine(dir.Path, "out")]);

        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.Path, "out", "summary.json")));
    }

    [Theory]
    [InlineData("distill-features.hocon", "attention", "attention-map")]
    [InlineData("distill-hints.hocon", "hint", "full")]
    public async Task ExampleConfigs_Load_WithTheirFeatureEntries(string file, string loss, string form)
    {
        var config = Repository.PathOf("examples", "features", file);

        var (code, stdout, stderr) = await MtProcess.RunAsync(["config", "show", "--config", Path.GetFullPath(config), "--json"]);

        Assert.True(code == 0, stderr);
        var distill = JsonDocument.Parse(stdout).RootElement.GetProperty("multiteacher").GetProperty("distill");
        var entry = Assert.Single(distill.GetProperty("features").EnumerateArray());
        Assert.Equal(loss, entry.GetProperty("loss").GetString());
        Assert.Equal("cnn-32-64-128-s2-e5", entry.GetProperty("teacher").GetString());
        Assert.Equal(form, distill.GetProperty("feature-form").GetString());
        Assert.Equal("cnn:8-16-32", distill.GetProperty("student").GetString());
    }

    private static string Write(TempDirectory dir, string entry, string extra = "", string teachers = "cnn.safetensors")
    {
        var config = Path.Combine(dir.Path, "run.hocon");
        File.WriteAllText(config, $$"""
            multiteacher.distill {
              teachers = [{{teachers}}]
              student = "cnn:8-16-32"
              train-rows = 356
              validation = 100
              shard-size = 256
              epochs = 1
              features = [{{entry}}]
              {{extra}}
            }
            """);
        return config;
    }

    /// <summary>A run with the TorchScript cnn (cnn.pt, traced cnn:4-8-16) and the ONNX cnn_features (logits, conv, hidden) as teachers.</summary>
    private static string WritePyTorch(TempDirectory dir, string entries)
    {
        File.Copy(Repository.TeacherFixture("cnn.pt"), Path.Combine(dir.Path, "cnn.pt"));
        File.Copy(Repository.TeacherFixture(Path.Combine("features", "cnn_features.onnx")), Path.Combine(dir.Path, "cnn_features.onnx"));
        return Write(dir, entries, "feature-form = attention-map", "cnn.pt, { path = cnn_features.onnx, output = logits }");
    }
}
