using MultiTeacher.Core.Layers;
using MultiTeacher.Core.Numerics;
using MultiTeacher.Core.Tensors;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>
/// Conv2d works through a batch in chunks of images sized to the cache. A batch that spans several chunks (the last
/// one partial) must give the same output and gradients as each image on its own.
/// </summary>
public sealed class ConvolutionChunkTests
{
    // 64 channels, 3×3 kernel, 30×30 input: 64·9·28·28 = 451,584 floats of columns per image, so 2 images per chunk.
    private static readonly int[] InputShape = [64, 30, 30];

    [Fact]
    public void Conv2d_BatchSpanningChunks_EqualsImageByImage()
    {
        const int batch = 5;
        var rng = new Rng(11);
        var input = Random(rng, batch, InputShape[0], InputShape[1], InputShape[2]);
        var gradOutput = Random(rng, batch, 4, 28, 28);

        var (whole, parameters) = Layer(rng);
        var output = whole.Forward(input, training: true).Clone();
        var gradInput = whole.Backward(gradOutput).Clone();
        var weightGradient = parameters.Gradients.ToArray();

        var (single, singleParameters) = Layer(rng: null, parameters.Values);
        var imageSize = input.RowLength;
        var outputSize = output.RowLength;
        for (var b = 0; b < batch; b++)
        {
            var image = new Tensor(input.Row(b).ToArray(), 1, InputShape[0], InputShape[1], InputShape[2]);
            var y = single.Forward(image, training: true);
            Close.AssertClose(y.Span, output.Row(b), 1e-5, 1e-5, $"output of image {b}");
            var dx = single.Backward(new Tensor(gradOutput.Row(b).ToArray(), 1, 4, 28, 28));
            Close.AssertClose(dx.Span, gradInput.Row(b), 1e-5, 1e-5, $"input gradient of image {b}");
            Assert.Equal(imageSize, dx.Length);
            Assert.Equal(outputSize, y.Length);
        }

        Close.AssertClose(singleParameters.Gradients, weightGradient, 1e-4, 1e-4, "parameter gradients summed over images");
    }

    private static (Conv2d Layer, Models.ParameterSet Parameters) Layer(Rng? rng, float[]? values = null)
    {
        var layer = new Conv2d(InputShape, 4, 3);
        var parameters = LayerHarness.Bind(layer);
        if (values is not null)
        {
            values.CopyTo(parameters.Values, 0);
        }
        else
        {
            for (var i = 0; i < parameters.Values.Length; i++)
            {
                parameters.Values[i] = (float)(rng!.NextDouble() * 0.2 - 0.1);
            }
        }

        return (layer, parameters);
    }

    private static Tensor Random(Rng rng, params int[] shape)
    {
        var tensor = new Tensor(shape);
        var span = tensor.Span;
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = (float)(rng.NextDouble() * 2 - 1);
        }

        return tensor;
    }
}
