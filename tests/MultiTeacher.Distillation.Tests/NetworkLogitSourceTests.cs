using MultiTeacher.Core.Data;
using MultiTeacher.Core.Teachers;
using MultiTeacher.Distillation.Online;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Tests;

/// <summary>Teachers of any format serve logits of dataset rows in any order, as the actors ask for them.</summary>
public sealed class NetworkLogitSourceTests
{
    [Theory]
    [InlineData("cnn.pt", "cnn")]
    [InlineData("mlp.onnx", "mlp")]
    public void Logits_RowsInAnyOrder_EqualPyTorchsRows(string file, string expected)
    {
        var data = TeacherFixtures.Inputs();
        var pytorch = Npy.Read(TeacherFixtures.PathOf(expected + ".logits.npy")).AsFloat32();
        int[] rows = [31, 0, 7, 7, 12];
        var logits = new float[rows.Length * 10];
        using var source = new NetworkLogitSource(TeacherLoader.Load(TeacherFixtures.PathOf(file)), data);

        source.Logits(rows, logits);

        for (var i = 0; i < rows.Length; i++)
        {
            for (var c = 0; c < 10; c++)
            {
                Assert.Equal(pytorch[(rows[i] * 10) + c], logits[(i * 10) + c], 1e-4f);
            }
        }
    }

    [Fact]
    public void OnlineTeachersFor_TorchScriptAndOnnxTeachers_EachPeerGetsItsOwnWorkingSources()
    {
        var data = TeacherFixtures.Inputs();
        var teachersFor = OnlineExperiment.TeachersFor([TeacherFixtures.PathOf("cnn.pt"), TeacherFixtures.PathOf("two_outputs.onnx")], data,
            new Dictionary<string, TeacherOptions> { [TeacherFixtures.PathOf("two_outputs.onnx")] = new("logits") })!;

        var peer0 = teachersFor(0);
        var peer1 = teachersFor(1);

        Assert.Equal(["cnn", "two_outputs"], peer0.Select(t => t.Id));
        Assert.NotSame(peer0[0].Source, peer1[0].Source);
        var logits = new float[10];
        peer1[1].Source.Logits([3], logits);
        var pytorch = Npy.Read(TeacherFixtures.PathOf("two_outputs.logits.npy")).AsFloat32();
        Assert.Equal(pytorch.AsSpan(30, 10).ToArray(), logits, (a, b) => Math.Abs(a - b) <= 1e-4f);
    }
}
