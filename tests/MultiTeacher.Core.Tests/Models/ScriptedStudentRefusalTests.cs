using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;

namespace MultiTeacher.Core.Tests.Models;

/// <summary>A TorchScript module LibTorch cannot train is refused when the student is created, naming the file and the reason.</summary>
public sealed class ScriptedStudentRefusalTests
{
    [Theory]
    [InlineData("no_parameters.pt", "the module has no parameters, so there is nothing to train")]
    [InlineData("frozen.pt", "none of its 4 parameters requires gradients (all frozen: requires_grad = False)")]
    [InlineData("float64.pt", "parameter hidden.weight is Float64; students train in float32")]
    [InlineData("detached.pt", "no gradient flows back from its logits to its parameters")]
    [InlineData("argmax_head.pt", "no gradient flows back from its logits to its parameters")]
    [InlineData("seven_classes.pt", "on a batch of shape (2, 1, 28, 28) it returns (2, 7), expected (2, 10): (batch, classes) logits")]
    [InlineData("two_outputs.pt", "it returns a tuple of 2, expected one tensor of logits")]
    [InlineData("tied.pt", "parameters encode.weight and decode.weight are one tensor (tied weights)")]
    [InlineData("nan.pt", "it returns NaN or infinite logits on a batch of shape (2, 1, 28, 28)")]
    public void Create_ModuleLibTorchCannotTrain_RefusedNamingTheReason(string file, string reason)
    {
        var path = StudentFixtures.File(file);

        var error = Assert.Throws<ArchitectureException>(() => Model.Create(StudentFixtures.For(file), 1).Dispose());

        Assert.Equal($"student {path}: LibTorch cannot train it: {reason}", error.Message[..Math.Min(error.Message.Length, $"student {path}: LibTorch cannot train it: {reason}".Length)]);
        Assert.DoesNotContain("\n", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ModuleReturningADict_RefusedSayingItWantsOneTensor()
    {
        var path = Path.Combine(Path.GetDirectoryName(Teachers.TeacherFixtures.File("x"))!, "features", "dict_output.pt");

        var error = Assert.Throws<ArchitectureException>(() => Model.Create(Architecture.ForData("file:" + path, [1, 28, 28], 10), 1).Dispose());

        Assert.StartsWith($"student {path}: LibTorch cannot train it: it returns a value TorchSharp cannot read (a dict?)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ModuleWithoutFlattenOnImages_RefusedWithTheInputLayoutHint()
    {
        var error = Assert.Throws<ShapeMismatchException>(() => Model.Create(StudentFixtures.For("student_flat.pt"), 1).Dispose());

        Assert.Contains("failed on a batch of shape (2, 1, 28, 28)", error.Message, StringComparison.Ordinal);
        Assert.Contains("student_flat.pt?input-layout=flat", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_OnnxOrSafetensorsFile_RefusedSayingWhatAStudentFileIs()
    {
        var onnx = Assert.Throws<DataFormatException>(() => Model.Create(Architecture.ForData("file:" + Teachers.TeacherFixtures.File("mlp.onnx"), [1, 28, 28], 10), 1));
        var safetensors = Assert.Throws<DataFormatException>(() => Model.Create(Architecture.ForData("file:" + Teachers.TeacherFixtures.File("cnn.safetensors"), [1, 28, 28], 10), 1));

        Assert.Contains("an ONNX model cannot be trained here", onnx.Message, StringComparison.Ordinal);
        Assert.Contains("name its architecture as the student", safetensors.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_TruncatedOrMissingFile_ClearError()
    {
        using var dir = new Data.TempDirectory();
        var bytes = File.ReadAllBytes(StudentFixtures.File("student.pt"));
        var truncated = dir.File("truncated.pt");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);

        var corrupt = Assert.Throws<DataFormatException>(() => Model.Create(Architecture.ForData("file:" + truncated, [1, 28, 28], 10), 1));
        var missing = Assert.Throws<FileNotFoundException>(() => Model.Create(Architecture.ForData("file:" + dir.File("none.pt"), [1, 28, 28], 10), 1));

        Assert.Contains("corrupt or truncated TorchScript file", corrupt.Message, StringComparison.Ordinal);
        Assert.Equal($"student file {dir.File("none.pt")} does not exist", missing.Message);
    }

    [Theory]
    [InlineData("file:", "names no file")]
    [InlineData("file:s.pt?classes=1", "classes must be an integer of at least 2")]
    [InlineData("file:s.pt?input-layout=nchw", "input-layout must be 'flat' or 'shaped'")]
    [InlineData("file:s.pt?depth=3", "unknown option 'depth' for file (known: classes, input, input-layout)")]
    public void Parse_BadFileArchitecture_NamesTheProblem(string text, string expected)
    {
        var error = Assert.Throws<ArchitectureException>(() => Architecture.Parse(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_FileArchitectureWithoutTheDatasShape_Refused()
    {
        var error = Assert.Throws<ArchitectureException>(() => Model.Create("file:" + StudentFixtures.File("student.pt"), 1));

        Assert.Contains("its input shape and class count come from the data", error.Message, StringComparison.Ordinal);
    }
}
