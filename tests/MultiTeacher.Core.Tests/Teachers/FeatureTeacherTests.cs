using MultiTeacher.Core.Teachers;
using MultiTeacher.Core.Tests.Nn;

namespace MultiTeacher.Core.Tests.Teachers;

/// <summary>
/// PyTorch features tried as teachers (tests/pytorch/generate_feature_teachers.py, fixtures under Teachers/Fixtures/features):
/// scripted control flow on the data, more ops, ONNX opsets 9 to 17 run with PyTorch's logits; what cannot be a
/// teacher is refused with a message that says why.
/// </summary>
public sealed class FeatureTeacherTests
{
    [Theory]
    [InlineData("data_if.pt")]
    [InlineData("while_loop.pt")]
    [InlineData("ops.pt")]
    [InlineData("traced_if.pt")]
    [InlineData("mlp_opset9.onnx")]
    [InlineData("cnn_opset11.onnx")]
    [InlineData("cnn_opset17.onnx")]
    [InlineData("ops_opset17.onnx")]
    public void Logits_FeatureFixture_EqualPyTorchWithin1e4(string file)
    {
        var data = TeacherFixtures.Inputs();
        using var teacher = TeacherLoader.Load(Feature(file));

        // One batch of all 32 rows, as PyTorch ran it: data_if's branch is chosen per batch.
        var output = teacher.Run(data.Inputs, data.Count, data.SampleShape);

        Assert.Equal([32L, 10L], output.Shape);
        Close.AssertClose(output.Values, Npy(file), atol: 1e-4, rtol: 0, $"{file} logits");
    }

    [Theory]
    [InlineData("dict_output.pt", "returns a value TorchSharp cannot read (a dict or nested structure?)")]
    [InlineData("int_input.onnx", "input 'input' is of Int64, expected float32")]
    [InlineData("two_inputs.onnx", "takes 2 inputs [x, y]; a teacher takes one batch of samples")]
    [InlineData("fixed_batch.onnx", "dynamic_axes")]
    public void LoadAndProbe_FeatureATeacherCannotHave_RefusedSayingWhy(string file, string expected)
    {
        var error = Assert.ThrowsAny<Exception>(() =>
        {
            using var teacher = TeacherLoader.Load(Feature(file));
            TeacherProbe.Check(teacher, TeacherFixtures.Inputs());
        });

        Assert.True(error is TeacherRefusedException, error.ToString());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
    }

    private static string Feature(string name) => Path.Combine(Path.GetDirectoryName(TeacherFixtures.File("x"))!, "features", name);

    private static float[] Npy(string file) => Core.Data.Npy.Read(Feature(Path.GetFileNameWithoutExtension(file) + ".logits.npy")).AsFloat32();
}
