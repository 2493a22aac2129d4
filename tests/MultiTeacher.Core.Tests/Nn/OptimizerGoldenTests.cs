using System.Text.Json;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Optimizers;
using MultiTeacher.Core.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static MultiTeacher.Core.Tests.Nn.Close;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>
/// Three steps of Adam and SGD (as <see cref="Optimizer.Create(string, Model, float, float, float)"/> makes them over a
/// model, and over a list of parameters as the hint adapters use it) on a Linear(7→5) with fixed gradients, against
/// torch.optim in float32. Values are compared, and so are the updates θ_t − θ_0, whose relative error shows a
/// wrong rule (or setting) even when the updates are small next to the parameters.
/// </summary>
public sealed class OptimizerGoldenTests
{
    [Theory]
    [InlineData("adam")]
    [InlineData("adam_wd")]
    [InlineData("sgd")]
    [InlineData("sgd_momentum")]
    [InlineData("sgd_momentum_wd")]
    public void Optimizer_ThreeSteps_MatchPyTorch(string name)
    {
        var g = GoldenFile.Load("optimizers");
        using var model = Model.Create("mlp:7-5", seed: 1);
        var start = g["weight"].Concat(g["bias"]).ToArray();
        model.SetWeights(start);
        var settings = JsonDocument.Parse(g.Meta(name)).RootElement;
        using var optimizer = Optimizer.Create(name.StartsWith("adam", StringComparison.Ordinal) ? "adam" : "sgd", model,
            settings.GetProperty("lr").GetSingle(), settings.TryGetProperty("momentum", out var m) ? m.GetSingle() : 0,
            settings.GetProperty("weight_decay").GetSingle());
        var (weight, bias) = (model.parameters().First(), model.parameters().Last());

        for (var step = 1; step <= 3; step++)
        {
            using (torch.NewDisposeScope())
            {
                // Into the gradients in place: they are views of the model's flat gradient, which the optimizer reads.
                weight.grad!.copy_(g.Tensor($"grad{step}.weight"));
                bias.grad!.copy_(g.Tensor($"grad{step}.bias"));
                optimizer.Step();
            }

            var expected = g[$"{name}.step{step}.weight"].Concat(g[$"{name}.step{step}.bias"]).ToArray();
            var actual = model.GetWeights();
            AssertClose(actual, expected, 1e-7, 1e-6, $"{name} step {step} parameters");
            AssertClose(Delta(actual, start), Delta(expected, start), 1e-7, 1e-3, $"{name} step {step} update");
        }

        Assert.Equal(3, optimizer.Steps);
    }

    /// <summary>
    /// The weight and bias as parameters of their own, one slot each; in <c>adam_no_bias_grad</c> the second step gives
    /// the bias no gradient, which torch.optim skips (the bias stays, and its bias correction counts one step fewer).
    /// </summary>
    [Theory]
    [InlineData("adam")]
    [InlineData("adam_wd")]
    [InlineData("sgd_momentum_wd")]
    [InlineData("adam_no_bias_grad")]
    public void Optimizer_OverAListOfParameters_ThreeSteps_MatchPyTorch(string name)
    {
        var g = GoldenFile.Load("optimizers");
        var settings = JsonDocument.Parse(g.Meta(name)).RootElement;
        var skipBiasAt = settings.TryGetProperty("no_bias_grad_at_step", out var skip) ? skip.GetInt32() : 0;
        using var weight = new Parameter(g.Tensor("weight"));
        using var bias = new Parameter(g.Tensor("bias"));
        using var optimizer = Optimizer.Create(name.StartsWith("adam", StringComparison.Ordinal) ? "adam" : "sgd", [weight, bias],
            settings.GetProperty("lr").GetSingle(), settings.TryGetProperty("momentum", out var m) ? m.GetSingle() : 0,
            settings.GetProperty("weight_decay").GetSingle());

        for (var step = 1; step <= 3; step++)
        {
            optimizer.ZeroGrad();
            Assert.Null(weight.grad);
            weight.grad = g.Tensor($"grad{step}.weight");
            bias.grad = step == skipBiasAt ? null : g.Tensor($"grad{step}.bias");
            optimizer.Step();

            AssertClose(TensorData.ToArray(weight), g[$"{name}.step{step}.weight"], 1e-7, 1e-6, $"{name} step {step} weight");
            AssertClose(TensorData.ToArray(bias), g[$"{name}.step{step}.bias"], 1e-7, 1e-6, $"{name} step {step} bias");
        }
    }

    [Fact]
    public void StateBuffers_OfAListOfParameters_RefusedAsNotResumable()
    {
        using var weight = new Parameter(torch.zeros(2));
        using var optimizer = Optimizer.Create("adam", [weight], 0.01f);

        var error = Assert.Throws<InvalidOperationException>(() => optimizer.StateBuffers);
        Assert.Contains("not resumable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StateBuffers_RestoredIntoAFreshOptimizer_ContinueExactly()
    {
        var g = GoldenFile.Load("optimizers");
        using var a = Model.Create("mlp:7-5", seed: 1);
        using var b = Model.Create("mlp:7-5", seed: 2);
        using var first = Optimizer.Create("adam", a, 0.01f);
        Step(a, first, g, 1);
        Step(a, first, g, 2);
        b.SetWeights(a.GetWeights());
        using var second = Optimizer.Create("adam", b, 0.01f);
        second.RestoreState(first.StateBuffers, first.Steps);

        Step(a, first, g, 3);
        Step(b, second, g, 3);

        Assert.Equal(a.GetWeights(), b.GetWeights());
        Assert.Equal(first.StateBuffers["adam.exp_avg_sq"], second.StateBuffers["adam.exp_avg_sq"]);
    }

    [Fact]
    public void SgdMomentumBuffer_RestoredIntoAFreshOptimizer_ContinuesExactly()
    {
        var g = GoldenFile.Load("optimizers");
        using var a = Model.Create("mlp:7-5", seed: 1);
        using var b = Model.Create("mlp:7-5", seed: 2);
        using var first = Optimizer.Create("sgd", a, 0.01f, momentum: 0.9f, weightDecay: 0.01f);
        Step(a, first, g, 1);
        Step(a, first, g, 2);
        b.SetWeights(a.GetWeights());
        using var second = Optimizer.Create("sgd", b, 0.01f, momentum: 0.9f, weightDecay: 0.01f);
        second.RestoreState(first.StateBuffers, first.Steps);

        Step(a, first, g, 3);
        Step(b, second, g, 3);

        Assert.Equal(a.GetWeights(), b.GetWeights());
        Assert.NotEqual(new float[a.ParameterCount], second.StateBuffers["sgd.momentum_buffer"]);
    }

    private static void Step(Model model, Optimizer optimizer, GoldenFile g, int step)
    {
        using var scope = torch.NewDisposeScope();
        model.parameters().First().grad!.copy_(g.Tensor($"grad{step}.weight"));
        model.parameters().Last().grad!.copy_(g.Tensor($"grad{step}.bias"));
        optimizer.Step();
    }

    private static float[] Delta(float[] values, float[] start) => values.Select((v, i) => v - start[i]).ToArray();
}
