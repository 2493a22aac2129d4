using MultiTeacher.Core.Layers;
using MultiTeacher.Core.Numerics;
using MultiTeacher.Core.Tensors;
using static MultiTeacher.Core.Tests.Nn.Close;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>
/// Central finite differences of scalar functions of float32 buffers. The function value is accumulated in double and
/// the step is the float32 distance actually taken, so the only noise left is the float32 rounding of the function's
/// own arithmetic.
/// </summary>
internal static class FiniteDifferences
{
    /// <summary>(f(x + eps·e_i) − f(x − eps·e_i)) / (actual step), restoring x[i].</summary>
    public static double Central(float[] x, int i, double eps, Func<double> f)
    {
        var saved = x[i];
        var (up, down) = ((float)(saved + eps), (float)(saved - eps));
        x[i] = up;
        var plus = f();
        x[i] = down;
        var minus = f();
        x[i] = saved;
        return (plus - minus) / ((double)up - down);
    }

    /// <summary>Forward and backward differences ((f(x + h) − f(x)) / h, (f(x) − f(x − h)) / h) around f(x) = <paramref name="center"/>.</summary>
    public static (double Forward, double Backward) OneSided(float[] x, int i, double h, double center, Func<double> f)
    {
        var saved = x[i];
        var (up, down) = ((float)(saved + h), (float)(saved - h));
        x[i] = up;
        var plus = f();
        x[i] = down;
        var minus = f();
        x[i] = saved;
        return ((plus - center) / ((double)up - saved), (center - minus) / ((double)saved - down));
    }

    /// <summary>The finite-difference gradient of f with respect to every element of x.</summary>
    public static float[] Gradient(float[] x, double eps, Func<double> f)
    {
        var gradient = new float[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            gradient[i] = (float)Central(x, i, eps, f);
        }

        return gradient;
    }

    /// <summary>Σ a·b in double.</summary>
    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return sum;
    }

    /// <summary>
    /// Checks a layer's input and parameter gradients against finite differences of <c>L = Σ out·dout</c>. The
    /// products run on <see cref="ReferenceGemm"/> (double accumulation), which keeps the noise of the differences low;
    /// the fast backends are compared with PyTorch by the golden tests.
    /// </summary>
    public static void CheckLayer(Layer layer, Tensor x, double eps, double atol, double rtol, string label, bool training = false)
    {
        using var scope = Gemm.UseInScope(ReferenceGemm.Instance);
        var parameters = LayerHarness.Bind(layer);
        var rng = new Rng(12345);
        for (var i = 0; i < parameters.Count; i++)
        {
            parameters.Values[i] = rng.NextUniform(-0.5f, 0.5f);
        }

        var output = layer.Forward(x, training);
        var dout = new Tensor(output.Shape.ToArray());
        for (var i = 0; i < dout.Length; i++)
        {
            dout.Span[i] = rng.NextUniform(-1f, 1f);
        }

        var dx = layer.Backward(dout).Span.ToArray();
        var dParameters = (float[])parameters.Gradients.Clone();

        double Loss() => Dot(layer.Forward(x, training).Span, dout.Span);
        var xBuffer = x.Buffer;
        Assert.Equal(x.Length, xBuffer.Length);
        AssertClose(dx, Gradient(xBuffer, eps, Loss), atol, rtol, $"{label} dx vs finite differences", x.Shape);
        foreach (var parameter in parameters.Parameters)
        {
            var analytic = dParameters.AsSpan(parameter.Offset, parameter.Length).ToArray();
            var numeric = new float[parameter.Length];
            for (var i = 0; i < parameter.Length; i++)
            {
                numeric[i] = (float)Central(parameters.Values, parameter.Offset + i, eps, Loss);
            }

            var name = parameter.Name[(parameter.Name.LastIndexOf('.') + 1)..];
            AssertClose(analytic, numeric, atol, rtol, $"{label} d{name} vs finite differences", parameter.Shape);
        }
    }

    /// <summary>A tensor of the given shape with elements uniform in [low, high).</summary>
    public static Tensor Uniform(Rng rng, float low, float high, params int[] shape)
    {
        var tensor = new Tensor(shape);
        for (var i = 0; i < tensor.Length; i++)
        {
            tensor.Span[i] = rng.NextUniform(low, high);
        }

        return tensor;
    }

    /// <summary>Elements whose magnitude is at least <paramref name="margin"/>: no ReLU kink within a step of them.</summary>
    public static Tensor AwayFromZero(Rng rng, float margin, params int[] shape)
    {
        var tensor = Uniform(rng, -1, 1, shape);
        foreach (ref var v in tensor.Span)
        {
            v = v < 0 ? v - margin : v + margin;
        }

        return tensor;
    }

    /// <summary>
    /// A shuffled arithmetic sequence with spacing <paramref name="spacing"/>: every pair of elements differs by at
    /// least that much, so no max-pool window changes its winner within a small step.
    /// </summary>
    public static Tensor Distinct(Rng rng, float spacing, params int[] shape)
    {
        var tensor = new Tensor(shape);
        var order = rng.Permutation(tensor.Length);
        for (var i = 0; i < tensor.Length; i++)
        {
            tensor.Span[i] = (order[i] - tensor.Length / 2) * spacing;
        }

        return tensor;
    }
}
