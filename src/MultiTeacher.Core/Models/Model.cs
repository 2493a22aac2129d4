using MultiTeacher.Core.Layers;
using MultiTeacher.Core.Numerics;
using MultiTeacher.Core.Tensors;

namespace MultiTeacher.Core.Models;

/// <summary>
/// A sequential network built from an architecture string, with all parameters in one <see cref="ParameterSet"/>.
/// Layer names are PyTorch module indices of the equivalent <c>torch.nn.Sequential</c>, so parameter names match
/// its <c>state_dict()</c>.
/// </summary>
public sealed class Model
{
    private readonly Tensor _inputView = new(0);

    private Model(Architecture architecture, IReadOnlyList<Layer> layers)
    {
        Architecture = architecture;
        Layers = layers;
        Parameters = new ParameterSet(layers.SelectMany(l => l.ParameterShapes.Select(s => ($"{l.Name}.{s.Suffix}", s.Shape))));
        foreach (var layer in layers)
        {
            layer.Bind(Parameters);
        }

        layers[0].ComputesInputGradient = false;
    }

    /// <summary>The architecture the model was built from.</summary>
    public Architecture Architecture { get; }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<Layer> Layers { get; }

    /// <summary>Every parameter and gradient, contiguous.</summary>
    public ParameterSet Parameters { get; }

    /// <summary>Number of output classes.</summary>
    public int Classes => Architecture.Classes;

    /// <summary>Builds the model of <paramref name="architecture"/> with PyTorch's default initialisation, seeded.</summary>
    public static Model Create(string architecture, ulong seed) => Create(Architecture.Parse(architecture), seed);

    /// <summary>Builds the model of <paramref name="architecture"/> with PyTorch's default initialisation, seeded.</summary>
    public static Model Create(Architecture architecture, ulong seed)
    {
        var model = new Model(architecture, BuildLayers(architecture, seed));
        Initialization.PyTorchDefault(model, new Rng(seed));
        return model;
    }

    /// <summary>
    /// Logits (B, classes) for a batch. The input is (B, features) or (B, C, H, W) with the model's input size per row.
    /// The returned tensor belongs to the model and is overwritten by the next call.
    /// </summary>
    public Tensor Forward(Tensor input, bool training)
    {
        var inputShape = Architecture.InputShape;
        if (input.Rank < 1 || input.RowLength != Architecture.InputSize || input.Rank == 1)
        {
            throw new ShapeMismatchException(
                $"model {Architecture}: input has shape {input.ShapeString}, expected {ShapeText.FormatBatch(inputShape)} or (B, {Architecture.InputSize})");
        }

        Span<int> shape = stackalloc int[inputShape.Length + 1];
        shape[0] = input.Dim(0);
        inputShape.CopyTo(shape[1..]);
        _inputView.AliasOf(input, shape);
        var x = _inputView;
        foreach (var layer in Layers)
        {
            x = layer.Forward(x, training);
        }

        return x;
    }

    /// <summary>Back-propagates the gradient of the loss with respect to the logits; parameter gradients accumulate.</summary>
    public void Backward(Tensor gradLogits)
    {
        var g = gradLogits;
        for (var i = Layers.Count - 1; i >= 0; i--)
        {
            g = Layers[i].Backward(g);
        }
    }

    /// <summary>Copies every parameter value from <paramref name="other"/>, which must have the same architecture.</summary>
    public void CopyParametersFrom(Model other)
    {
        if (other.Parameters.Count != Parameters.Count || other.Architecture.Text != Architecture.Text)
        {
            throw new ShapeMismatchException(
                $"cannot copy parameters of {other.Architecture} ({other.Parameters.Count}) into {Architecture} ({Parameters.Count})");
        }

        other.Parameters.Values.CopyTo(Parameters.Values, 0);
    }

    private static List<Layer> BuildLayers(Architecture architecture, ulong seed)
    {
        var layers = new List<Layer>();
        var sizes = architecture.Sizes;
        if (architecture.Kind == ArchitectureKind.Mlp)
        {
            for (var i = 0; i < sizes.Length - 1; i++)
            {
                layers.Add(new Dense(sizes[i], sizes[i + 1]));
                if (i < sizes.Length - 2)
                {
                    layers.Add(new Relu([sizes[i + 1]]));
                    if (architecture.Dropout > 0)
                    {
                        layers.Add(new Dropout([sizes[i + 1]], architecture.Dropout, seed ^ (0xD120_0000UL + (ulong)layers.Count)));
                    }
                }
            }
        }
        else
        {
            var conv1 = new Conv2d(architecture.InputShape, sizes[0], 3);
            var pool1 = new MaxPool2d(conv1.OutputShape, 2);
            var conv2 = new Conv2d(pool1.OutputShape, sizes[1], 3);
            var pool2 = new MaxPool2d(conv2.OutputShape, 2);
            var flatten = new Flatten(pool2.OutputShape);
            layers.AddRange([conv1, new Relu(conv1.OutputShape), pool1, conv2, new Relu(conv2.OutputShape), pool2, flatten,
                new Dense(flatten.OutputShape[0], sizes[2]), new Relu([sizes[2]]), new Dense(sizes[2], architecture.Classes)]);
        }

        for (var i = 0; i < layers.Count; i++)
        {
            layers[i].Name = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return layers;
    }
}
