using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultiTeacher.Core.Models;

/// <summary>Named intermediate outputs (features) of a model, for feature distillation.</summary>
public sealed partial class Model
{
    /// <summary>
    /// The layer names, as PyTorch's <c>nn.Sequential</c> names its modules (<c>0</c>, <c>1</c>, …): the output of the
    /// layer of that name is the feature of that name. For <c>cnn:32-64-128</c>, <c>3</c> is the second convolution's
    /// output (64, 11, 11).
    /// </summary>
    public IReadOnlyList<string> LayerNames => _layers.Select(l => l.Name).ToList();

    /// <summary>The per-sample shape of layer <paramref name="layer"/>'s output, for example (64, 11, 11).</summary>
    /// <exception cref="UnknownLayerException">The model has no such layer; the message lists those it has.</exception>
    public int[] FeatureShape(string layer)
    {
        var index = LayerIndex(layer);
        return index + 1 < _layers.Count ? (int[])_layers[index + 1].InputShape.Clone() : [Classes];
    }

    /// <summary>Whether layer <paramref name="layer"/> is a convolution's or a pooling's output (C, H, W).</summary>
    public bool IsSpatial(string layer) => FeatureShape(layer).Length == 3;

    /// <summary>
    /// Logits (B, classes) and the outputs of <paramref name="layers"/> (in that order; the same name may repeat), in one
    /// forward pass that is exactly <see cref="forward"/> (same ops, same dropout draws). Features of convolutions come
    /// in channels-last strides, the layout the model computes in; their values and shape are (B, C, H, W).
    /// </summary>
    /// <exception cref="UnknownLayerException">A name is not a layer; the message lists the layers.</exception>
    public ModelFeatures ForwardWithFeatures(Tensor input, IReadOnlyList<string> layers)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(layers);
        var indices = layers.Select(LayerIndex).ToArray();
        var features = new Tensor[indices.Length];
        var x = InputView(input);
        for (var i = 0; i < _layers.Count; i++)
        {
            x = RunLayer(i, x);
            if (_layers[i].Module is Conv2d)
            {
                x = ChannelsLast(x);
            }

            for (var f = 0; f < indices.Length; f++)
            {
                if (indices[f] == i)
                {
                    features[f] = x;
                }
            }
        }

        return new ModelFeatures(x, features);
    }

    private int LayerIndex(string layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var index = _layers.FindIndex(l => l.Name == layer);
        return index >= 0 ? index : throw new UnknownLayerException($"model {Architecture}", layer, LayerDescriptions);
    }
}

/// <summary>A forward pass's logits and the features asked for.</summary>
/// <param name="Logits">(B, classes).</param>
/// <param name="Features">One tensor per layer name asked for, in that order: (B, C, H, W) or (B, D).</param>
public sealed record ModelFeatures(Tensor Logits, IReadOnlyList<Tensor> Features);
