using System.Globalization;
using System.Runtime.InteropServices;
using MultiTeacher.Core.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultiTeacher.Core.Models;

/// <summary>
/// The network of an architecture string as a TorchSharp module: PyTorch's <c>nn.Sequential</c> of the same layers
/// (see <see cref="Architecture"/>), so its parameter names are the <c>state_dict()</c> names of the PyTorch twin in
/// <c>src/python/multiteacher_torch.py</c> (<c>0.weight</c>, <c>0.bias</c>, <c>3.weight</c>, ...) and weights move
/// both ways with no renaming. Initialisation is PyTorch's default drawn from a generator seeded by the model's seed;
/// dropout masks come from the same generator, so a model's randomness never depends on other threads.
/// A <c>file:</c> architecture is a TorchScript module defined in PyTorch instead (see Model.Scripted.cs).
/// Not thread-safe: one owner at a time (an actor, a trainer).
/// </summary>
public sealed partial class Model : nn.Module<Tensor, Tensor>
{
    private readonly List<Layer> _layers;
    private readonly Generator _generator;
    private readonly Parameter _flat;

    private Model(Architecture architecture, ulong seed) : base("Model")
    {
        Architecture = architecture;
        _generator = new Generator(seed);
        _layers = BuildLayers(architecture, _generator);
        // Submodules are registered under their index, as nn.Sequential names them: that gives the state_dict names.
        foreach (var layer in _layers)
        {
            register_module(layer.Name, layer.Module);
        }

        Initialize();
        Layout = named_parameters().Select(p => new ParameterInfo(p.name, p.parameter.shape.Select(d => (int)d).ToArray())).ToList();
        ParameterCount = Layout.Sum(p => p.Length);
        var device = TorchRuntime.Device;
        if (device.type != DeviceType.CPU)
        {
            _ = this.to(device);
        }

        _flat = Flatten(device);
    }

    /// <summary>The architecture the model was built from.</summary>
    public Architecture Architecture { get; }

    /// <summary>Number of output classes.</summary>
    public int Classes => Architecture.Classes;

    /// <summary>Every parameter's name and shape in <c>state_dict()</c> order (the order of <see cref="GetWeights"/>).</summary>
    public IReadOnlyList<ParameterInfo> Layout { get; }

    /// <summary>Total number of parameters.</summary>
    public int ParameterCount { get; }

    /// <summary>
    /// Every parameter in one tensor, in <see cref="Layout"/> order: each layer's weight and bias are views of it, and so
    /// are their gradients of its gradient. The optimizer updates this one tensor (a handful of ops per step instead of
    /// a handful per parameter: the small student's Adam step went from 0.19 ms to 0.11 ms on one thread).
    /// </summary>
    public Parameter FlatParameters => _flat;

    /// <summary>The layers in order, for example <c>0: Conv2d(1→32, 3×3)</c>.</summary>
    public IReadOnlyList<string> LayerDescriptions => _layers.Select(l => $"{l.Name}: {l.Description}").ToList();

    /// <summary>Builds the model of <paramref name="architecture"/> with PyTorch's default initialisation, seeded.</summary>
    public static Model Create(string architecture, ulong seed) => Create(Architecture.Parse(architecture), seed);

    /// <summary>Builds the model of <paramref name="architecture"/> with PyTorch's default initialisation, seeded.</summary>
    public static Model Create(Architecture architecture, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        TorchRuntime.EnsureLoaded();
        return architecture.Kind == ArchitectureKind.Scripted ? CreateScripted(architecture, seed) : new Model(architecture, seed);
    }

    /// <summary>
    /// Logits (B, classes) of a batch (B, features), or (B, C, H, W) for a cnn. Dropout is on in training mode
    /// (<c>train()</c>) and off in evaluation mode (<c>eval()</c>).
    /// </summary>
    /// <exception cref="ShapeMismatchException">The input, or a layer's input, has another shape; the message names both.</exception>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (_script is not null)
        {
            return ScriptForward(input);
        }

        var x = InputView(input);
        for (var i = 0; i < _layers.Count; i++)
        {
            x = RunLayer(i, x);
            if (_layers[i].Module is Conv2d)
            {
                x = ChannelsLast(x);
            }
        }

        return x;
    }

    /// <summary>Every parameter, flattened and concatenated in <see cref="Layout"/> order (a copy).</summary>
    public float[] GetWeights()
    {
        var weights = new float[ParameterCount];
        var offset = 0;
        foreach (var parameter in TrainedParameters())
        {
            var length = (int)parameter.numel();
            TensorData.CopyTo(parameter, weights.AsSpan(offset, length));
            offset += length;
        }

        return weights;
    }

    /// <summary>Replaces every parameter with <paramref name="weights"/> (in <see cref="Layout"/> order).</summary>
    /// <exception cref="ShapeMismatchException">The number of weights is not <see cref="ParameterCount"/>.</exception>
    public void SetWeights(ReadOnlySpan<float> weights)
    {
        if (weights.Length != ParameterCount)
        {
            throw new ShapeMismatchException($"model {Architecture}: {weights.Length} weights given, it has {ParameterCount} parameters");
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var offset = 0;
        foreach (var parameter in TrainedParameters())
        {
            var length = (int)parameter.numel();
            parameter.copy_(TensorData.From(weights.Slice(offset, length), parameter.shape, parameter.device));
            offset += length;
        }
    }

    /// <summary>Copies every weight of <paramref name="other"/>, which must have the same architecture.</summary>
    public void CopyWeightsFrom(Model other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Architecture.Text != Architecture.Text)
        {
            throw new ShapeMismatchException($"cannot copy the weights of {other.Architecture} into {Architecture}");
        }

        using var noGrad = no_grad();
        foreach (var (mine, theirs) in TrainedParameters().Zip(other.TrainedParameters()))
        {
            mine.copy_(theirs);
        }
    }

    /// <summary>
    /// Moves every parameter into one flat tensor (values and gradients) and replaces each layer's parameters with views
    /// of it; names, shapes and order stay those of <see cref="Layout"/>.
    /// </summary>
    private Parameter Flatten(Device device)
    {
        var flat = new Parameter(zeros(ParameterCount, device: device));
        var grad = zeros(ParameterCount, device: device);
        using (no_grad())
        {
            var offset = 0L;
            Parameter View(Tensor source)
            {
                var length = source.numel();
                var values = flat.detach().narrow(0, offset, length).view(source.shape);
                values.copy_(source);
                var parameter = new Parameter(values);
                parameter.grad = grad.narrow(0, offset, length).view(source.shape);
                offset += length;
                return parameter;
            }

            foreach (var layer in _layers)
            {
                // Weight first, then bias: each replaces the parameter in its slot, so the state_dict order is kept.
                switch (layer.Module)
                {
                    case Linear linear:
                        linear.weight = View(linear.weight);
                        linear.bias = linear.bias is null ? null : View(linear.bias);
                        break;
                    case Conv2d conv:
                        conv.weight = View(conv.weight!);
                        conv.bias = conv.bias is null ? null : View(conv.bias);
                        break;
                }
            }
        }

        flat.grad = grad;
        return flat;
    }

    /// <summary>The parameters the flat parameter holds, in <see cref="Layout"/> order.</summary>
    private IEnumerable<Parameter> TrainedParameters() => _script is null ? parameters() : _scriptParameters;

    /// <summary>Runs layer <paramref name="index"/> alone; a torch shape error becomes a <see cref="ShapeMismatchException"/>.</summary>
    internal Tensor RunLayer(int index, Tensor x)
    {
        var layer = _layers[index];
        try
        {
            return layer.Module.call(x);
        }
        catch (Exception e) when (e is ExternalException or ArgumentException)
        {
            throw new ShapeMismatchException(
                $"layer {layer.Name} {layer.Description}: input has shape {ShapeText.Format(x.shape)}, expected {ShapeText.FormatBatch(layer.InputShape)} ({e.Message.Split('\n')[0]})");
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _generator.Dispose();
            _flat.Dispose();
            _script?.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// The same (B, C, H, W) tensor with channels-last strides (a copy unless it already has them). LibTorch's CPU
    /// max-pooling is vectorised over channels only in this layout (12 times faster here than on NCHW) and its
    /// oneDNN convolutions keep it; Flatten reads the values back in (C, H, W) order, so results do not change.
    /// </summary>
    private static Tensor ChannelsLast(Tensor x) => x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    private Tensor InputView(Tensor input)
    {
        var shape = input.shape;
        var sample = Architecture.InputShape;
        var fits = shape.Length == sample.Length + 1 && shape.AsSpan(1).SequenceEqual(Array.ConvertAll(sample, d => (long)d));
        if (fits)
        {
            return input;
        }

        if (shape.Length == 2 && shape[1] == Architecture.InputSize)
        {
            return input.view([shape[0], .. Array.ConvertAll(sample, d => (long)d)]);
        }

        throw new ShapeMismatchException(
            $"model {Architecture}: input has shape {ShapeText.Format(shape)}, expected {ShapeText.FormatBatch(sample)} or (B, {Architecture.InputSize})");
    }

    /// <summary>
    /// PyTorch's <c>reset_parameters</c> of <c>nn.Linear</c> and <c>nn.Conv2d</c>, in module order, from the model's
    /// generator: weight <c>kaiming_uniform_(a=√5)</c>, which is U(±√3·gain/√fan_in) with gain = √(2/(1+a²)), then
    /// bias U(±1/√fan_in); fan_in = in features, or C_in·kh·kw.
    /// </summary>
    private void Initialize()
    {
        using var noGrad = no_grad();
        foreach (var layer in _layers)
        {
            var (weight, bias) = layer.Module switch
            {
                Linear linear => (linear.weight, linear.bias),
                Conv2d conv => (conv.weight!, conv.bias),
                _ => (null, null),
            };
            if (weight is null)
            {
                continue;
            }

            var fanIn = weight.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
            var slope = Math.Sqrt(5.0);
            var gain = Math.Sqrt(2.0 / (1 + (slope * slope)));
            var bound = Math.Sqrt(3.0) * (gain / Math.Sqrt(fanIn));
            _ = weight.uniform_(-bound, bound, _generator);
            var biasBound = 1 / Math.Sqrt(fanIn);
            _ = bias?.uniform_(-biasBound, biasBound, _generator);
        }
    }

    private static List<Layer> BuildLayers(Architecture architecture, Generator generator)
    {
        var layers = new List<Layer>();
        void Add(nn.Module<Tensor, Tensor> module, string description, int[] inputShape) =>
            layers.Add(new Layer(layers.Count.ToString(CultureInfo.InvariantCulture), module, description, inputShape));

        var sizes = architecture.Sizes;
        if (architecture.Kind == ArchitectureKind.Mlp)
        {
            for (var i = 0; i < sizes.Length - 1; i++)
            {
                Add(nn.Linear(sizes[i], sizes[i + 1]), $"Linear({sizes[i]}→{sizes[i + 1]})", [sizes[i]]);
                if (i < sizes.Length - 2)
                {
                    Add(nn.ReLU(), "ReLU", [sizes[i + 1]]);
                    if (architecture.Dropout > 0)
                    {
                        Add(new SeededDropout(architecture.Dropout, generator), $"Dropout(p={architecture.Dropout.ToString(CultureInfo.InvariantCulture)})", [sizes[i + 1]]);
                    }
                }
            }

            return layers;
        }

        var (c1, c2, hidden) = (sizes[0], sizes[1], sizes[2]);
        var side1 = (architecture.InputShape[1] - 2) / 2;
        var side2 = (side1 - 2) / 2;
        int[] input = architecture.InputShape;
        int[] conv1 = [c1, input[1] - 2, input[2] - 2];
        int[] pool1 = [c1, side1, side1];
        int[] conv2 = [c2, side1 - 2, side1 - 2];
        int[] pool2 = [c2, side2, side2];
        var flat = c2 * side2 * side2;
        Add(nn.Conv2d(input[0], c1, 3), $"Conv2d({input[0]}→{c1}, 3×3)", input);
        Add(nn.ReLU(), "ReLU", conv1);
        Add(nn.MaxPool2d(2), "MaxPool2d(2)", conv1);
        Add(nn.Conv2d(c1, c2, 3), $"Conv2d({c1}→{c2}, 3×3)", pool1);
        Add(nn.ReLU(), "ReLU", conv2);
        Add(nn.MaxPool2d(2), "MaxPool2d(2)", conv2);
        Add(nn.Flatten(), $"Flatten({c2}, {side2}, {side2})", pool2);
        Add(nn.Linear(flat, hidden), $"Linear({flat}→{hidden})", [flat]);
        Add(nn.ReLU(), "ReLU", [hidden]);
        Add(nn.Linear(hidden, architecture.Classes), $"Linear({hidden}→{architecture.Classes})", [hidden]);
        return layers;
    }

    private sealed record Layer(string Name, nn.Module<Tensor, Tensor> Module, string Description, int[] InputShape);
}

/// <summary>One parameter of a model: its <c>state_dict()</c> name and shape.</summary>
/// <param name="Name">For example <c>0.weight</c>.</param>
/// <param name="Shape">PyTorch's shape, for example [64, 784] for a linear layer's weight.</param>
public sealed record ParameterInfo(string Name, int[] Shape)
{
    /// <summary>Number of elements.</summary>
    public int Length => ShapeText.Product(Shape);
}
