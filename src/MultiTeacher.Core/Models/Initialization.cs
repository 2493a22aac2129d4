using MultiTeacher.Core.Numerics;

namespace MultiTeacher.Core.Models;

/// <summary>Parameter initialisation.</summary>
public static class Initialization
{
    /// <summary>
    /// PyTorch's default for <c>nn.Linear</c> and <c>nn.Conv2d</c>: weights Kaiming-uniform with a = √5, which is
    /// U(−1/√fan_in, 1/√fan_in), and biases U(−1/√fan_in, 1/√fan_in); fan_in = in features, or C_in·kh·kw.
    /// Parameters are drawn in layout order from <paramref name="rng"/>.
    /// </summary>
    public static void PyTorchDefault(Model model, Rng rng)
    {
        var parameters = model.Parameters;
        foreach (var layer in model.Layers)
        {
            var shapes = layer.ParameterShapes;
            if (shapes.Count == 0)
            {
                continue;
            }

            var weightShape = shapes[0].Shape;
            var fanIn = 1;
            for (var d = 1; d < weightShape.Length; d++)
            {
                fanIn *= weightShape[d];
            }

            var bound = (float)(1.0 / Math.Sqrt(fanIn));
            foreach (var (suffix, _) in shapes)
            {
                var values = parameters.Value(parameters[$"{layer.Name}.{suffix}"]);
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = rng.NextUniform(-bound, bound);
                }
            }
        }
    }
}
