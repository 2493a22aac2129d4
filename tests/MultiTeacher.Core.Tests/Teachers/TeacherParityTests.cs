using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Teachers;
using MultiTeacher.Core.Tests.Nn;

namespace MultiTeacher.Core.Tests.Teachers;

/// <summary>TorchScript, ONNX and safetensors teachers give PyTorch's logits for the same inputs.</summary>
public sealed class TeacherParityTests
{
    [Theory]
    [InlineData("mlp.pt", "mlp", TeacherFormat.TorchScript, null)]
    [InlineData("mlp.onnx", "mlp", TeacherFormat.Onnx, null)]
    [InlineData("cnn.pt", "cnn", TeacherFormat.TorchScript, null)]
    [InlineData("cnn.onnx", "cnn", TeacherFormat.Onnx, null)]
    [InlineData("cnn.safetensors", "cnn", TeacherFormat.Safetensors, null)]
    [InlineData("two_outputs.pt", "two_outputs", TeacherFormat.TorchScript, "1")]
    [InlineData("two_outputs.onnx", "two_outputs", TeacherFormat.Onnx, "logits")]
    [InlineData("two_outputs.onnx", "two_outputs", TeacherFormat.Onnx, "1")]
    [InlineData("branchy.pt", "branchy", TeacherFormat.TorchScript, null)]
    public void Logits_PyTorchFixture_EqualPyTorchWithin1e4(string file, string expected, TeacherFormat format, string? output)
    {
        var data = TeacherFixtures.Inputs();
        using var teacher = TeacherLoader.Load(TeacherFixtures.File(file), new TeacherOptions(output));

        var logits = TeacherInference.Logits(teacher, data);

        Assert.Equal(format, teacher.Format);
        Close.AssertClose(logits, TeacherFixtures.PyTorchLogits(expected), atol: 1e-4, rtol: 0, $"{file} logits");
    }

    [Theory]
    [InlineData("cnn.onnx")]
    [InlineData("cnn.pt")]
    [InlineData("cnn.safetensors")]
    public void ParameterCount_AnyFormat_CountsTheCnnsWeights(string file)
    {
        using var teacher = TeacherLoader.Load(TeacherFixtures.File(file));

        // cnn:4-8-16: conv 1→4 (40), conv 4→8 (296), linear 200→16 (3,216), linear 16→10 (170).
        Assert.Equal(40 + 296 + 3216 + 170, teacher.ParameterCount);
    }

    [Fact]
    public void Detect_FormatByContentNotExtension_RenamedFilesStillLoad()
    {
        using var dir = new Data.TempDirectory();
        var onnxNamedPt = Path.Combine(dir.Path, "model.pt");
        var ptNamedOnnx = Path.Combine(dir.Path, "model.onnx");
        File.Copy(TeacherFixtures.File("cnn.onnx"), onnxNamedPt);
        File.Copy(TeacherFixtures.File("cnn.pt"), ptNamedOnnx);

        Assert.Equal(TeacherFormat.Onnx, TeacherFileFormat.Detect(onnxNamedPt));
        Assert.Equal(TeacherFormat.TorchScript, TeacherFileFormat.Detect(ptNamedOnnx));
        Assert.Equal(TeacherFormat.Safetensors, TeacherFileFormat.Detect(TeacherFixtures.File("cnn.safetensors")));
        using var teacher = TeacherLoader.Load(onnxNamedPt);
        Close.AssertClose(TeacherInference.Logits(teacher, TeacherFixtures.Inputs()), TeacherFixtures.PyTorchLogits("cnn"), 1e-4, 0, "renamed onnx");
    }

    [Fact]
    public void Ensemble_MixedFormats_AggregatesAsTheKdMathSays()
    {
        var data = TeacherFixtures.Inputs();
        string[] files = ["cnn.safetensors", "mlp.pt", "two_outputs.onnx"];
        string?[] outputs = [null, null, "logits"];
        string[] expectedNames = ["cnn", "mlp", "two_outputs"];
        float[] weights = [1f, 2f, 0.5f];
        const float T = 2f;
        var logits = files.Select((f, i) =>
        {
            using var teacher = TeacherLoader.Load(TeacherFixtures.File(f), new TeacherOptions(outputs[i]));
            return (ReadOnlyMemory<float>)TeacherInference.Logits(teacher, data);
        }).ToList();
        var combined = new float[32 * 10];

        EnsembleAverage.Combine(logits, weights, 32, 10, T, EnsembleMethod.Weighted, combined);

        // p̄ = Σ_k w_k softmax(z_k / T) / Σ_k w_k, from PyTorch's logits, in double precision.
        var expected = new float[32 * 10];
        for (var k = 0; k < files.Length; k++)
        {
            var z = TeacherFixtures.PyTorchLogits(expectedNames[k]);
            for (var r = 0; r < 32; r++)
            {
                var row = z.AsSpan(r * 10, 10).ToArray().Select(v => v / (double)T).ToArray();
                var max = row.Max();
                var sum = row.Sum(v => Math.Exp(v - max));
                for (var c = 0; c < 10; c++)
                {
                    expected[(r * 10) + c] += (float)(weights[k] * Math.Exp(row[c] - max) / sum / weights.Sum());
                }
            }
        }

        Close.AssertClose(combined, expected, atol: 1e-5, rtol: 0, "weighted ensemble of safetensors + TorchScript + ONNX");
    }
}
