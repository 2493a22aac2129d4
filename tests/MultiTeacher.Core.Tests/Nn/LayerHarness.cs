using MultiTeacher.Core.Layers;
using MultiTeacher.Core.Models;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>Gives a stand-alone layer its own parameter set, the way a model would.</summary>
internal static class LayerHarness
{
    /// <summary>Lays out and binds the layer's parameters (all zero, gradients zero).</summary>
    public static ParameterSet Bind(Layer layer)
    {
        var parameters = new ParameterSet(layer.ParameterShapes.Select(s => ($"{layer.Name}.{s.Suffix}", s.Shape)));
        layer.Bind(parameters);
        return parameters;
    }

    public static Parameter Weight(this ParameterSet parameters, Layer layer) => parameters[$"{layer.Name}.weight"];

    public static Parameter Bias(this ParameterSet parameters, Layer layer) => parameters[$"{layer.Name}.bias"];
}
