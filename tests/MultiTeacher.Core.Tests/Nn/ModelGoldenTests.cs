using System.Text.Json;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using TorchSharp;
using static MultiTeacher.Core.Tests.Nn.Close;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>
/// Whole models against PyTorch: logits and every parameter gradient of a forward and a backward pass (upstream gradient
/// dlogits) with the parameters of <see cref="GoldenFill"/>. The float64 reference was checked to keep every ReLU input
/// and max-pool runner-up at least 1e-5 away, so float32 takes the same branches.
/// </summary>
public sealed class ModelGoldenTests
{
    [Fact]
    public void Cnn_ForwardBackward_MatchesPyTorch() =>
        // Sums of up to 1600 float32 products; observed errors stay well below 1e-6 (abs).
        Check("cnn", "cnn:32-64-128", training: true, atol: 5e-6, rtol: 1e-4);

    [Fact]
    public void MlpWithDropout_EvalForwardBackward_MatchesPyTorch() =>
        Check("mlp_dropout", "mlp:784-64-10?dropout=0.2", training: false, atol: 5e-6, rtol: 1e-4);

    private static void Check(string file, string architecture, bool training, double atol, double rtol)
    {
        var g = GoldenFile.Load(file);
        Assert.Equal(architecture, g.Meta("arch"));
        using var model = Model.Create(architecture, seed: 7);
        var layout = JsonSerializer.Deserialize<JsonElement[][]>(g.Meta("state_dict"))!;
        Assert.Equal(layout.Select(e => e[0].GetString()), model.Layout.Select(p => p.Name));
        Assert.Equal(layout.Select(e => e[1].Deserialize<int[]>()!), model.Layout.Select(p => p.Shape));
        GoldenFill.Fill(model);

        using var scope = torch.NewDisposeScope();
        model.train(training);
        var logits = model.forward(g.Tensor("x"));
        Assert.Equal(g.Shape("logits").Select(d => (long)d), logits.shape);
        AssertClose(TensorData.ToArray(logits), g["logits"], atol, rtol, $"{file} logits", g.Shape("logits"));

        (logits * g.Tensor("dlogits")).sum().backward();
        foreach (var (name, parameter) in model.named_parameters())
        {
            AssertClose(TensorData.ToArray(parameter.grad!), g[$"grad.{name}"], atol, rtol, $"{file} grad {name}", g.Shape($"grad.{name}"));
        }
    }
}
