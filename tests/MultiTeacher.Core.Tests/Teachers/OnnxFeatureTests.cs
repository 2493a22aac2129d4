using Microsoft.ML.OnnxRuntime;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Losses.Features;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Teachers;
using TorchSharp;

namespace MultiTeacher.Core.Tests.Teachers;

/// <summary>
/// ONNX teachers serve intermediate outputs by output name: the graph outputs besides the logits
/// (Fixtures/features/cnn_features.onnx, written by tests/pytorch/generate_onnx_feature_outputs.py with PyTorch's values).
/// </summary>
public sealed class OnnxFeatureTests
{
    private static readonly string s_file = TeacherFixtures.File(Path.Combine("features", "cnn_features.onnx"));

    [Fact]
    public void RunWithFeatures_ExtraGraphOutputs_EqualPyTorchsValues()
    {
        var inputs = TeacherFixtures.Inputs();
        using var teacher = (IFeatureTeacher)TeacherLoader.Load(s_file, new TeacherOptions("logits"));

        var result = teacher.RunWithFeatures(inputs.Inputs, inputs.Count, inputs.SampleShape, [new("hidden"), new("conv"), new("conv", AttentionMap: true)]);

        Assert.Equal(["conv", "hidden"], teacher.FeatureLayers);
        Assert.Equal([32L, 16], result.Features[0].Shape);
        Assert.Equal([32L, 4, 13, 13], result.Features[1].Shape);
        Assert.Equal([32L, 13, 13], result.Features[2].Shape);
        Nn.Close.AssertClose(result.Logits.Values, Expected("logits"), 1e-5, 1e-4, "logits");
        Nn.Close.AssertClose(result.Features[0].Values, Expected("hidden"), 1e-5, 1e-4, "hidden");
        Nn.Close.AssertClose(result.Features[1].Values, Expected("conv"), 1e-5, 1e-4, "conv");
        using var scope = torch.NewDisposeScope();
        var map = Core.Torch.TensorData.ToArray(AttentionTransfer.Map(torch.tensor(Expected("conv")).view(32, 4, 13, 13)));
        Nn.Close.AssertClose(result.Features[2].Values, map, 1e-5, 1e-4, "attention map of conv");
        // The logits alone are the same as with features.
        Assert.Equal(result.Logits.Values, teacher.Run(inputs.Inputs, inputs.Count, inputs.SampleShape).Values);
    }

    [Fact]
    public void RunWithFeatures_ValueInsideTheGraph_RefusedNamingTheOutputsThatExist()
    {
        var inputs = TeacherFixtures.Inputs();
        using var teacher = (IFeatureTeacher)TeacherLoader.Load(s_file, new TeacherOptions("logits"));
        using var single = (IFeatureTeacher)TeacherLoader.Load(TeacherFixtures.File(Path.Combine("features", "cnn_opset17.onnx")));

        var inside = Assert.Throws<UnknownLayerException>(() => teacher.RunWithFeatures(inputs.Inputs.AsMemory(0, 2 * 784), 2, inputs.SampleShape, [new("/conv/conv.1/Relu_output_0")]));
        var none = Assert.Throws<UnknownLayerException>(() => single.RunWithFeatures(inputs.Inputs.AsMemory(0, 2 * 784), 2, inputs.SampleShape, [new("conv")]));

        Assert.Contains("/conv/conv.1/Relu_output_0", inside.Message, StringComparison.Ordinal);
        Assert.Contains("its layers are conv, hidden", inside.Message, StringComparison.Ordinal);
        Assert.Contains("its graph's only output is logits; export the layer as an extra output", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnnxRuntime_OutputNameInsideTheGraph_IsRefusedByRunItself()
    {
        // Why intermediate values must be graph outputs: ONNX Runtime's Run fetches declared outputs only.
        using var session = new InferenceSession(s_file);
        var inputs = TeacherFixtures.Inputs();
        using var value = OrtValue.CreateTensorValueFromMemory(inputs.Inputs.AsSpan(0, 784).ToArray(), [1L, 1, 28, 28]);
        using var options = new RunOptions();

        var e = Assert.ThrowsAny<OnnxRuntimeException>(() => session.Run(options, ["input"], [value], ["/conv/conv.1/Relu_output_0"]).Dispose());

        Assert.Contains("/conv/conv.1/Relu_output_0", e.Message, StringComparison.Ordinal);
    }

    private static float[] Expected(string output) => Npy.Read(TeacherFixtures.File(Path.Combine("features", $"cnn_features.{output}.npy"))).AsFloat32();
}
