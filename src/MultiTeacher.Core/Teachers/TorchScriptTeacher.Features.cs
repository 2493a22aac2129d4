using System.Runtime.InteropServices;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using TorchSharp;

namespace MultiTeacher.Core.Teachers;

/// <summary>
/// Named intermediate outputs of a TorchScript teacher: the outputs of its top-level children (<c>named_children()</c>,
/// for example <c>3</c> of a scripted <c>nn.Sequential</c>). LibTorch runs a compiled forward as one graph and offers
/// no forward hooks from C++, so the features come from calling the children one after another; that is the module
/// only when its forward is exactly that chain, which is checked on the first batch (the chain's output must equal the
/// module's own, element for element within 1e-5) and refused with the reason otherwise.
/// </summary>
public sealed partial class TorchScriptTeacher : IFeatureTeacher
{
    private string? _notAChain;
    private bool _chainChecked;

    /// <inheritdoc />
    public IReadOnlyList<string> FeatureLayers => _module.named_children().Select(c => c.name).ToList();

    /// <inheritdoc />
    public TeacherFeatures RunWithFeatures(ReadOnlyMemory<float> inputs, int rows, int[] sampleShape, IReadOnlyList<FeatureRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        ArgumentNullException.ThrowIfNull(requests);
        var children = _module.named_children().ToList();
        var names = children.Select(c => c.name).ToList();
        var indices = requests.Select(r => names.IndexOf(r.Layer) is var i and >= 0
            ? i
            : throw new UnknownLayerException($"TorchScript teacher {Path}", r.Layer, names.Count == 0 ? ["(none: it has no submodules)"] : names)).ToArray();
        if (_notAChain is not null)
        {
            throw new TeacherRefusedException(Path, _notAChain);
        }

        using var scope = torch.NewDisposeScope();
        using var inference = torch.inference_mode();
        long[] shape = _options.InputLayout == TeacherInputLayout.Flat
            ? [rows, ShapeText.Product(sampleShape)]
            : [rows, .. Array.ConvertAll(sampleShape, d => (long)d)];
        var x = TensorData.From(inputs.Span, shape, TorchRuntime.Device);
        var features = new torch.Tensor[indices.Length];
        var h = x;
        try
        {
            for (var i = 0; i < children.Count; i++)
            {
                h = children[i].module is torch.jit.ScriptModule child && child.call(h) is torch.Tensor next
                    ? next
                    : throw new TeacherRefusedException(Path, $"its child {children[i].name} does not map a tensor to a tensor, so its features cannot be served");
                for (var f = 0; f < indices.Length; f++)
                {
                    features[f] = indices[f] == i ? h : features[f];
                }
            }

            if (!_chainChecked)
            {
                CheckChain(x, h);
            }
        }
        catch (ExternalException e)
        {
            throw new TeacherRefusedException(Path, $"failed on a batch of shape ({string.Join(", ", shape)}) when run child by child: {NativeError.Summarize(e.Message)}", e);
        }

        var outputs = requests.Select((request, i) => FeatureOutputs.From(features[i], request)).ToList();
        return new TeacherFeatures(new TeacherOutput(TensorData.ToArray(h), h.shape), outputs);
    }

    private void CheckChain(torch.Tensor x, torch.Tensor chained)
    {
        var whole = Select(_module.call(x));
        var same = whole.shape.SequenceEqual(chained.shape) && whole.to_type(torch.float32).allclose(chained.to_type(torch.float32), rtol: 1e-5, atol: 1e-5);
        _chainChecked = true;
        if (!same)
        {
            _notAChain = $"serves no named features: its forward is not its children {string.Join(", ", _module.named_children().Select(c => c.name))} run in order " +
                $"(that chain gives {ShapeText.Format(chained.shape)}, the module {ShapeText.Format(whole.shape)}{(whole.shape.SequenceEqual(chained.shape) ? " with other values" : "")})";
            throw new TeacherRefusedException(Path, _notAChain);
        }
    }
}
