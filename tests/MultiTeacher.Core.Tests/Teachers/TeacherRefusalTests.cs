using MultiTeacher.Core.Data;
using MultiTeacher.Core.Teachers;

namespace MultiTeacher.Core.Tests.Teachers;

/// <summary>Every refusal of a teacher names the file, what was expected and what came; corrupt files never crash the process.</summary>
public sealed class TeacherRefusalTests
{
    [Theory]
    [InlineData("seven_classes.pt", null, "expected logits of shape (16, 10)", "got (16, 7): it predicts 7 classes, the data has 10 classes")]
    [InlineData("nan.pt", null, "expected finite logits, got NaN at row 0, class 0", "fixture-inputs")]
    [InlineData("rgb.pt", null, "failed on a batch of shape (16, 1, 28, 28)", "3")]
    [InlineData("rgb.onnx", null, "expects input 'input' of shape (batch, 3, 32, 32), the data gives (16, 1, 28, 28)", "rgb.onnx")]
    [InlineData("two_outputs.pt", null, "returns 2 outputs [0: (16, 16), 1: (16, 10)]", "output = INDEX")]
    [InlineData("two_outputs.pt", "5", "output = 5 is not an index of its 2 outputs", "1: (16, 10)")]
    [InlineData("mlp.pt", "1", "output = 1 names an output of several, but the module returns one tensor (16, 10)", "mlp.pt")]
    [InlineData("two_outputs.pt", "0", "expected logits of shape (16, 10)", "got (16, 16)")]
    public void Probe_UnfitTeacher_RefusedNamingFileExpectedAndGot(string file, string? output, string expected, string alsoExpected)
    {
        var path = TeacherFixtures.File(file);
        var error = Assert.Throws<TeacherRefusedException>(() =>
        {
            using var teacher = TeacherLoader.Load(path, new TeacherOptions(output));
            TeacherProbe.Check(teacher, TeacherFixtures.Inputs());
        });

        Assert.StartsWith($"teacher {path}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(alsoExpected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("two_outputs.onnx", null, "has 2 outputs [0: features (batch, 16), 1: logits (batch, 10)]")]
    [InlineData("two_outputs.onnx", "scores", "output = scores names none of its outputs")]
    public void Load_OnnxOutputsAmbiguousOrUnknown_RefusedListingOutputs(string file, string? output, string expected)
    {
        var path = TeacherFixtures.File(file);
        var error = Assert.Throws<TeacherRefusedException>(() => TeacherLoader.Load(path, new TeacherOptions(output)).Dispose());

        Assert.StartsWith($"teacher {path}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cnn.pt", "corrupt or truncated TorchScript file")]
    [InlineData("cnn.onnx", "truncated ONNX file")]
    [InlineData("mlp.pt", "corrupt or truncated TorchScript file")]
    [InlineData("mlp.onnx", "truncated ONNX file")]
    public void Load_TruncatedFile_ClearDataFormatError(string file, string expected)
    {
        using var dir = new Tests.Data.TempDirectory();
        var bytes = File.ReadAllBytes(TeacherFixtures.File(file));
        var path = dir.File("truncated" + Path.GetExtension(file));
        File.WriteAllBytes(path, bytes[..(bytes.Length * 2 / 3)]);

        var error = Assert.Throws<DataFormatException>(() => { using var teacher = TeacherLoader.Load(path); });

        Assert.Equal(path, error.FilePath);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cnn.pt")]
    [InlineData("branchy.pt")]
    [InlineData("mlp.pt")]
    public void Load_TorchScriptBytesScrambledInTheMiddle_ClearErrorNoCrash(string file)
    {
        using var dir = new Tests.Data.TempDirectory();
        var bytes = File.ReadAllBytes(TeacherFixtures.File(file));
        for (var i = bytes.Length / 4; i < bytes.Length / 2; i += 7)
        {
            bytes[i] ^= 0x5A;
        }

        var path = dir.File("scrambled" + Path.GetExtension(file));
        File.WriteAllBytes(path, bytes);

        // Either the loader or the probe refuses it; whichever does, it says so about this file.
        var error = Assert.ThrowsAny<IOException>(() =>
        {
            try
            {
                using var teacher = TeacherLoader.Load(path);
                TeacherProbe.Check(teacher, TeacherFixtures.Inputs());
            }
            catch (TeacherRefusedException e)
            {
                throw new IOException(e.Message, e);
            }
        });
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TorchSaveStateDict_ToldItIsNotTorchScript()
    {
        var path = Data.TestPaths.Fixture("tiny_mlp.pt");

        var error = Assert.Throws<DataFormatException>(() => { using var teacher = TeacherLoader.Load(path); });

        Assert.Contains("a torch.save file (weights only, no code), not TorchScript", error.Message, StringComparison.Ordinal);
        Assert.Contains("torch.jit.save(torch.jit.script(model), path)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, "not a teacher file: expected TorchScript")]
    [InlineData(new byte[] { 0x80, 2, 0x8a, 0x0a }, "a legacy torch.save pickle, not a teacher")]
    [InlineData(new byte[] { 0x08, 0x07, 0x12, 0x40, 0x41 }, "truncated ONNX file")]
    [InlineData(new byte[] { 0x08, 0x07 }, "no graph (ModelProto field 7)")]
    [InlineData(new byte[] { (byte)'P', (byte)'K', 3, 4, 0, 0 }, "corrupt or truncated TorchScript file")]
    public void Load_NotATeacher_ClearDataFormatError(byte[] content, string expected)
    {
        using var dir = new Tests.Data.TempDirectory();
        var path = dir.File("teacher.bin");
        File.WriteAllBytes(path, content);

        var error = Assert.Throws<DataFormatException>(() => { using var teacher = TeacherLoader.Load(path); });

        Assert.StartsWith(path + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_NamesIt()
    {
        var error = Assert.Throws<FileNotFoundException>(() => TeacherLoader.Load("/nonexistent/teacher.pt"));

        Assert.Contains("/nonexistent/teacher.pt", error.Message, StringComparison.Ordinal);
    }
}
