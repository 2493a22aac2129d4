using System.Text.Json;
using MultiTeacher.Core.Data;

namespace MultiTeacher.Cli.Tests;

/// <summary><c>mt distill</c> on a .npy dataset of another shape (3×8×8 samples, 5 classes) with a PyTorch teacher.</summary>
public sealed class NpyDataDistillTests
{
    [Fact]
    public async Task Distill_NpyDataOf3x8x8With5Classes_RunsWithTorchScriptTeacher()
    {
        using var dir = new TempDirectory();
        var config = WriteRun(dir, student: "mlp:192-32-5");

        var (code, stdout, stderr) = await MtProcess.RunAsync(["distill", "--config", config, "--out", Path.Combine(dir.Path, "out"), "--threads", "1"],
            timeout: TimeSpan.FromMinutes(5));

        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "out", "summary.json")));
        var dataset = summary.RootElement.GetProperty("dataset");
        Assert.StartsWith("train-x-", dataset.GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.Equal(5, dataset.GetProperty("classes").GetInt32());
        Assert.Equal(200, dataset.GetProperty("test").GetInt32());
        var student = summary.RootElement.GetProperty("students").GetProperty("distilled");
        // Each class has its own mean image: a student that learnt anything is far above chance (20%).
        Assert.True(student.GetProperty("test_accuracy").GetDouble() > 0.6, student.ToString());
        var teacher = summary.RootElement.GetProperty("teachers")[0];
        Assert.Equal("torchscript", teacher.GetProperty("arch").GetString());
    }

    [Theory]
    [InlineData("mlp:784-32-10", "192 features per row, 5 classes")]
    [InlineData("cnn:8-16-32", "a cnn takes square images of at least 10x10")]
    public async Task Distill_StudentThatCannotTakeTheData_RefusedBeforeRunning(string student, string expected)
    {
        using var dir = new TempDirectory();
        var config = WriteRun(dir, student);

        var (code, _, stderr) = await MtProcess.RunAsync(["distill", "--config", config, "--out", Path.Combine(dir.Path, "out")]);

        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "out", "students")), "a run started despite the mismatch");
    }

    /// <summary>Synthetic data: class k's images are noise around their own mean; train inputs uint8, test inputs float32.</summary>
    private static string WriteRun(TempDirectory dir, string student)
    {
        var random = new Random(5);
        var means = Enumerable.Range(0, 5).Select(_ => Enumerable.Range(0, 192).Select(_ => random.NextSingle()).ToArray()).ToArray();
        (float[] X, long[] Y) Make(int rows)
        {
            var x = new float[rows * 192];
            var y = new long[rows];
            for (var r = 0; r < rows; r++)
            {
                y[r] = r % 5;
                for (var f = 0; f < 192; f++)
                {
                    x[(r * 192) + f] = Math.Clamp(means[r % 5][f] + ((random.NextSingle() - 0.5f) * 0.6f), 0f, 1f);
                }
            }

            return (x, y);
        }

        var (trainX, trainY) = Make(1200);
        var (testX, testY) = Make(200);
        Npy.Write(Path.Combine(dir.Path, "train-x.npy"), Array.ConvertAll(trainX, v => (byte)Math.Round(v * 255)), 1200, 3, 8, 8);
        Npy.Write(Path.Combine(dir.Path, "train-y.npy"), trainY, 1200);
        Npy.Write(Path.Combine(dir.Path, "test-x.npy"), testX, 200, 3, 8, 8);
        Npy.Write(Path.Combine(dir.Path, "test-y.npy"), testY, 200);
        // A copy in the test's folder: the teacher pass is cached beside the teacher file, never in the source tree.
        var teacher = Path.Combine(dir.Path, "rgb8.pt");
        File.Copy(Path.Combine(Repository.Root, "tests", "MultiTeacher.Core.Tests", "Teachers", "Fixtures", "rgb8.pt"), teacher);
        var config = Path.Combine(dir.Path, "run.hocon");
        File.WriteAllText(config, $$"""
            multiteacher {
              data { train-x = train-x.npy, train-y = train-y.npy, test-x = test-x.npy, test-y = test-y.npy }
              distill {
                teachers = [{ path = "{{teacher}}", weight = 1 }]
                student = "{{student}}"
                epochs = 8
                batch = 32
                shard-size = 256
                validation = 200
                alpha = 0.3
                lr = 0.003
              }
            }
            """);
        return config;
    }
}
