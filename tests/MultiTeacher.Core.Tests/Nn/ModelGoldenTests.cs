using System.Text.Json;
using MultiTeacher.Core.Models;
using static MultiTeacher.Core.Tests.Nn.Close;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>
/// Whole models against PyTorch: logits and every parameter gradient of a forward and a backward pass (upstream gradient
/// dlogits) with the parameters of <see cref="GoldenFill"/>. The float64 reference was checked to keep every ReLU input
/// and max-pool runner-up at least 1e-5 away, so float32 takes the same branches.
/// </summary>
public sealed class ModelGoldenTests
{
    [Theory]
    [MemberData(nameof(GemmBackends.Names), MemberType = typeof(GemmBackends))]
    public void Cnn_ForwardBackward_MatchesPyTorch(string backend)
    {
        using var scope = GemmBackends.Use(backend);
        // Sums of up to 1600 float32 products; observed errors stay below 7e-7 (abs), so this leaves a 7x margin.
        Check("cnn", "cnn:32-64-128", training: true, atol: 5e-6, rtol: 1e-4, backend);
    }

    [Theory]
    [MemberData(nameof(GemmBackends.Names), MemberType = typeof(GemmBackends))]
    public void MlpWithDropout_EvalForwardBackward_MatchesPyTorch(string backend)
    {
        using var scope = GemmBackends.Use(backend);
        Check("mlp_dropout", "mlp:784-64-10?dropout=0.2", training: false, atol: 5e-6, rtol: 1e-4, backend);
    }

    private static void Check(string file, string architecture, bool training, double atol, double rtol, string backend)
    {
        var g = GoldenFile.Load(file);
        Assert.Equal(architecture, g.Meta("arch"));
        var model = Model.Create(architecture, seed: 7);
        var layout = JsonSerializer.Deserialize<JsonElement[][]>(g.Meta("state_dict"))!;
        Assert.Equal(layout.Select(e => e[0].GetString()), model.Parameters.Parameters.Select(p => p.Name));
        Assert.Equal(layout.Select(e => e[1].Deserialize<int[]>()!), model.Parameters.Parameters.Select(p => p.Shape));
        GoldenFill.Fill(model.Parameters);

        var logits = model.Forward(g.Tensor("x"), training);
        Assert.Equal(g.Shape("logits"), logits.Shape.ToArray());
        AssertClose(logits.Span, g["logits"], atol, rtol, $"{file} [{backend}] logits", logits.Shape);

        model.Parameters.ZeroGradients();
        model.Backward(g.Tensor("dlogits"));
        foreach (var parameter in model.Parameters.Parameters)
        {
            AssertClose(model.Parameters.Gradient(parameter), g[$"grad.{parameter.Name}"], atol, rtol,
                $"{file} [{backend}] grad {parameter.Name}", parameter.Shape);
        }
    }
}
