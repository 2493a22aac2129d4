using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Optimizers;
using MultiTeacher.Core.Training;
using TorchSharp;
using static MultiTeacher.Core.Tests.Nn.Close;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>
/// The seeded initialisation is PyTorch's after <c>torch.manual_seed(seed)</c>, and a few whole training steps (dropout
/// masks, distillation loss with unlabelled rows, autograd, Adam) follow PyTorch's from there.
/// </summary>
public sealed class InitAndTrainingGoldenTests
{
    [Theory]
    [InlineData("cnn:8-16-32")]
    [InlineData("mlp:784-64-10?dropout=0.2")]
    public void Create_Seed_GivesPyTorchsInitialWeightsAfterManualSeed(string architecture)
    {
        var g = GoldenFile.Load("init");
        using var model = Model.Create(architecture, ulong.Parse(g.Meta(architecture), System.Globalization.CultureInfo.InvariantCulture));
        var expected = model.Layout.SelectMany(p => g[$"{architecture}.{p.Name}"]).ToArray();

        // Both sides draw the same generator numbers and compute the same float32 bounds: equal, not merely close.
        AssertClose(model.GetWeights(), expected, 0, 0, $"initial weights of {architecture}");
    }

    [Fact]
    public void TrainingSteps_DropoutDistillationAdam_FollowPyTorch()
    {
        var g = GoldenFile.Load("train_steps");
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        using var model = Model.Create(g.Meta("arch"), ulong.Parse(g.Meta("seed"), inv));
        using var optimizer = Optimizer.Create("adam", model, float.Parse(g.Meta("lr"), inv));
        var step = new TrainingStep(model, optimizer, new DistillationLoss(float.Parse(g.Meta("temperature"), inv), float.Parse(g.Meta("alpha"), inv)));
        var labels = g.Labels("labels");
        using var scope = torch.NewDisposeScope();
        var (x, pbar) = (g.Tensor("x"), g.Tensor("pbar"));

        for (var s = 1; s <= int.Parse(g.Meta("steps"), inv); s++)
        {
            var result = step.Run(x, labels, pbar);
            AssertClose(result.Loss.Total, g.Scalar($"step{s}.loss"), 1e-6, 1e-5, $"step {s} loss");
        }

        var expected = model.Layout.SelectMany(p => g[$"final.{p.Name}"]).ToArray();
        AssertClose(model.GetWeights(), expected, 1e-6, 1e-4, "weights after the steps");
    }
}
