using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Teachers;
using MultiTeacher.Distillation.Features;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Tests;

/// <summary>TorchScript and ONNX teachers serve features of dataset rows in any order, as feature runs ask for them.</summary>
public sealed class NetworkFeatureSourceTests
{
    private static readonly int[] s_rows = [31, 0, 7, 7, 12];

    [Fact]
    public void OnnxExtraOutputs_RowsInAnyOrder_EqualPyTorchsOutputsAndLogits()
    {
        var data = TeacherFixtures.Inputs();
        using var source = new NetworkLogitSource(TeacherLoader.Load(TeacherFixtures.PathOf("features/cnn_features.onnx"), new TeacherOptions("logits")), data);
        var logits = new float[s_rows.Length * 10];

        var features = source.LogitsAndFeatures(s_rows, logits, [new FeatureRequest("conv"), new FeatureRequest("hidden")]);

        Assert.Equal([4, 13, 13], source.FeatureShape("conv"));
        Assert.Equal([16], source.FeatureShape("hidden"));
        Assert.Equal([5L, 4, 13, 13], features[0].Shape);
        AssertRowsClose(Npy.Read(TeacherFixtures.PathOf("features/cnn_features.conv.npy")).AsFloat32(), features[0].Values, 4 * 13 * 13, "conv");
        AssertRowsClose(Npy.Read(TeacherFixtures.PathOf("features/cnn_features.hidden.npy")).AsFloat32(), features[1].Values, 16, "hidden");
        AssertRowsClose(Npy.Read(TeacherFixtures.PathOf("features/cnn_features.logits.npy")).AsFloat32(), logits, 10, "logits");
    }

    [Fact]
    public void TorchScriptChildren_AttentionMapAndFullFeature_EqualTheSameCnnFromSafetensors()
    {
        var data = TeacherFixtures.Inputs();
        using var script = new NetworkLogitSource(TeacherLoader.Load(TeacherFixtures.PathOf("cnn.pt")), data);
        var checkpoint = new ModelLogitSource(ModelCheckpoint.Load(TeacherFixtures.PathOf("cnn.safetensors")).Model, data);
        FeatureRequest[] requests = [new("3", AttentionMap: true), new("7")];
        var fromScript = script.LogitsAndFeatures(s_rows, new float[s_rows.Length * 10], requests);
        var fromCheckpoint = checkpoint.LogitsAndFeatures(s_rows, new float[s_rows.Length * 10], requests);

        Assert.Equal(checkpoint.FeatureShape("3"), script.FeatureShape("3"));
        for (var f = 0; f < requests.Length; f++)
        {
            Assert.Equal(fromCheckpoint[f].Shape, fromScript[f].Shape);
            Assert.Equal(fromCheckpoint[f].Values, fromScript[f].Values, (a, b) => Math.Abs(a - b) <= 1e-5f + (1e-4f * Math.Abs(b)));
        }
    }

    [Theory]
    [InlineData("cnn.pt", "has no layer 'features.3'; its layers are 0, 1, 2, 3, 4, 5, 6, 7, 8, 9")]
    [InlineData("features/cnn_features.onnx", "has no layer 'features.3'; its layers are conv, hidden")]
    public void UnknownLayer_RefusedListingTheNamesThatExist(string file, string expected)
    {
        using var source = new NetworkLogitSource(TeacherLoader.Load(TeacherFixtures.PathOf(file), file.EndsWith(".onnx", StringComparison.Ordinal) ? new TeacherOptions("logits") : null), TeacherFixtures.Inputs());

        var e = Assert.Throws<UnknownLayerException>(() => source.FeatureShape("features.3"));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FeatureTeacherLoader_ANonTeacherFile_RefusedNamingTheTeacherAndFile()
    {
        var notATeacher = TeacherFixtures.PathOf("cnn.logits.npy");

        var e = Assert.Throws<ArgumentException>(() => FeatureTeacherLoader.Load("cnn", notATeacher, TeacherFixtures.Inputs()));

        Assert.Contains($"teacher cnn ({notATeacher}): its network cannot serve features", e.Message, StringComparison.Ordinal);
    }

    private static void AssertRowsClose(float[] allRows, float[] actual, int length, string label)
    {
        for (var i = 0; i < s_rows.Length; i++)
        {
            for (var j = 0; j < length; j++)
            {
                var expected = allRows[(s_rows[i] * length) + j];
                Assert.True(Math.Abs(expected - actual[(i * length) + j]) <= 1e-5f + (1e-4f * Math.Abs(expected)),
                    $"{label}: row {s_rows[i]} element {j}: {actual[(i * length) + j]} vs PyTorch {expected}");
            }
        }
    }
}
