using MultiTeacher.Core.Losses.Features;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Teachers;
using TorchSharp;

namespace MultiTeacher.Core.Tests.Teachers;

/// <summary>Teachers serve named intermediate outputs: checkpoints by layer, TorchScript by top-level child.</summary>
public sealed class TeacherFeatureTests
{
    [Fact]
    public void TorchScriptAndCheckpoint_SameCnn_ServeTheSameFeatures()
    {
        var inputs = TeacherFixtures.Inputs();
        using var script = (IFeatureTeacher)TeacherLoader.Load(TeacherFixtures.File("cnn.pt"));
        using var checkpoint = (IFeatureTeacher)TeacherLoader.Load(TeacherFixtures.File("cnn.safetensors"));
        FeatureRequest[] requests = [new("3"), new("3", AttentionMap: true), new("7")];

        var fromScript = script.RunWithFeatures(inputs.Inputs, inputs.Count, inputs.SampleShape, requests);
        var fromCheckpoint = checkpoint.RunWithFeatures(inputs.Inputs, inputs.Count, inputs.SampleShape, requests);

        Assert.Equal(checkpoint.FeatureLayers, script.FeatureLayers);
        Assert.Equal([32L, 8, 11, 11], fromCheckpoint.Features[0].Shape);
        Assert.Equal([32L, 11, 11], fromCheckpoint.Features[1].Shape);
        Assert.Equal([32L, 16], fromCheckpoint.Features[2].Shape);
        for (var i = 0; i < requests.Length; i++)
        {
            Assert.Equal(fromCheckpoint.Features[i].Shape, fromScript.Features[i].Shape);
            Nn.Close.AssertClose(fromScript.Features[i].Values, fromCheckpoint.Features[i].Values, 1e-5, 1e-4, $"feature {i}");
        }

        Nn.Close.AssertClose(fromCheckpoint.Logits.Values, TeacherFixtures.PyTorchLogits("cnn"), 1e-5, 1e-4, "checkpoint logits");
        Nn.Close.AssertClose(fromScript.Logits.Values, TeacherFixtures.PyTorchLogits("cnn"), 1e-5, 1e-4, "torchscript logits");
    }

    [Fact]
    public void AttentionMapRequest_IsTheMapOfTheFullFeature()
    {
        var inputs = TeacherFixtures.Inputs();
        using var teacher = (IFeatureTeacher)TeacherLoader.Load(TeacherFixtures.File("cnn.safetensors"));
        var result = teacher.RunWithFeatures(inputs.Inputs, inputs.Count, inputs.SampleShape, [new("0"), new("0", AttentionMap: true)]);

        using var scope = torch.NewDisposeScope();
        var full = torch.tensor(result.Features[0].Values).view(result.Features[0].Shape);
        var expected = Core.Torch.TensorData.ToArray(AttentionTransfer.Map(full));
        Assert.Equal(result.Features[0].Values.Length / 4, result.Features[1].Values.Length);
        Nn.Close.AssertClose(result.Features[1].Values, expected, 1e-6, 1e-5, "attention map");
    }

    [Fact]
    public void UnknownLayer_RefusedListingTheLayersThatExist()
    {
        var inputs = TeacherFixtures.Inputs();
        using var script = (IFeatureTeacher)TeacherLoader.Load(TeacherFixtures.File("cnn.pt"));
        using var checkpoint = (IFeatureTeacher)TeacherLoader.Load(TeacherFixtures.File("cnn.safetensors"));

        var fromScript = Assert.Throws<UnknownLayerException>(() => script.RunWithFeatures(inputs.Inputs.AsMemory(0, 2 * 784), 2, inputs.SampleShape, [new("features.3")]));
        var fromCheckpoint = Assert.Throws<UnknownLayerException>(() => checkpoint.RunWithFeatures(inputs.Inputs.AsMemory(0, 2 * 784), 2, inputs.SampleShape, [new("features.3")]));

        Assert.Contains("features.3", fromScript.Message, StringComparison.Ordinal);
        Assert.Contains("0, 1, 2, 3, 4, 5, 6, 7, 8, 9", fromScript.Message, StringComparison.Ordinal);
        Assert.Contains("3: Conv2d(4→8, 3×3)", fromCheckpoint.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TorchScript_ForwardIsNotItsChildrenInOrder_RefusedWithTheReason()
    {
        var inputs = TeacherFixtures.Inputs();
        using var branchy = (IFeatureTeacher)TeacherLoader.Load(TeacherFixtures.File("branchy.pt"));
        Assert.Contains("head", branchy.FeatureLayers);

        var e = Assert.Throws<TeacherRefusedException>(() => branchy.RunWithFeatures(inputs.Inputs.AsMemory(0, 4 * 784), 4, inputs.SampleShape, [new("head")]));
        Assert.Contains("branchy.pt", e.Message, StringComparison.Ordinal);
        // Its logits are still served.
        Assert.Equal(40, branchy.Run(inputs.Inputs.AsMemory(0, 4 * 784), 4, inputs.SampleShape).Values.Length);
    }

    [Fact]
    public void TorchScript_TwoOutputsWhoseChildrenChain_ServesTheBody()
    {
        var inputs = TeacherFixtures.Inputs();
        using var two = (IFeatureTeacher)TeacherLoader.Load(TeacherFixtures.File("two_outputs.pt"), new TeacherOptions("1"));
        var result = two.RunWithFeatures(inputs.Inputs, inputs.Count, inputs.SampleShape, [new("body")]);

        Assert.Equal([32L, 16], result.Features[0].Shape);
        Nn.Close.AssertClose(result.Logits.Values, TeacherFixtures.PyTorchLogits("two_outputs"), 1e-5, 1e-4, "logits");
    }
}
