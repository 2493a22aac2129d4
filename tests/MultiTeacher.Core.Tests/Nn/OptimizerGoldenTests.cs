using System.Text.Json;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Optimizers;
using static MultiTeacher.Core.Tests.Nn.Close;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>
/// Three steps of Adam and SGD on a Dense(7→5) parameter set with fixed gradients, against torch.optim in float32.
/// Values are compared, and so are the updates θ_t − θ_0, whose relative error shows a wrong rule even when the
/// updates are small next to the parameters.
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
        var parameters = new ParameterSet([("0.weight", [5, 7]), ("0.bias", [5])]);
        g["weight"].CopyTo(parameters.Value(parameters["0.weight"]));
        g["bias"].CopyTo(parameters.Value(parameters["0.bias"]));
        var start = (float[])parameters.Values.Clone();
        var optimizer = Create(name, parameters, JsonDocument.Parse(g.Meta(name)).RootElement);

        for (var step = 1; step <= 3; step++)
        {
            g[$"grad{step}.weight"].CopyTo(parameters.Gradient(parameters["0.weight"]));
            g[$"grad{step}.bias"].CopyTo(parameters.Gradient(parameters["0.bias"]));
            optimizer.Step();

            var expected = g[$"{name}.step{step}.weight"].Concat(g[$"{name}.step{step}.bias"]).ToArray();
            AssertClose(parameters.Values, expected, 1e-7, 1e-6, $"{name} step {step} parameters");
            AssertClose(Delta(parameters.Values, start), Delta(expected, start), 1e-7, 1e-3, $"{name} step {step} update");
        }
    }

    private static Optimizer Create(string name, ParameterSet parameters, JsonElement settings)
    {
        var lr = settings.GetProperty("lr").GetSingle();
        var weightDecay = settings.GetProperty("weight_decay").GetSingle();
        return name.StartsWith("adam", StringComparison.Ordinal)
            ? new Adam(parameters, lr, weightDecay: weightDecay)
            : new Sgd(parameters, lr, settings.GetProperty("momentum").GetSingle(), weightDecay);
    }

    private static float[] Delta(float[] values, float[] start) => values.Select((v, i) => v - start[i]).ToArray();
}
