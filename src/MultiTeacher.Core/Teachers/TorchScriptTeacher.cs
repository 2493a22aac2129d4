using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using TorchSharp;

namespace MultiTeacher.Core.Teachers;

/// <summary>
/// A TorchScript module saved by PyTorch (<c>torch.jit.save</c>), loaded with <c>torch.jit.load</c> and run in
/// evaluation mode under inference mode. A module returning a tuple or list names its logits with
/// <see cref="TeacherOptions.Output"/>.
/// </summary>
public sealed partial class TorchScriptTeacher : ITeacherNetwork
{
    private readonly torch.jit.ScriptModule _module;
    private readonly TeacherOptions _options;

    private TorchScriptTeacher(string path, torch.jit.ScriptModule module, TeacherOptions options)
    {
        Path = path;
        _module = module;
        _options = options;
        ParameterCount = module.parameters().Sum(p => p.numel());
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <inheritdoc />
    public TeacherFormat Format => TeacherFormat.TorchScript;

    /// <inheritdoc />
    public string Description => "torchscript";

    /// <inheritdoc />
    public long ParameterCount { get; }

    /// <summary>Loads the module at <paramref name="path"/> (a checked TorchScript zip, see <see cref="TeacherFileFormat"/>).</summary>
    /// <exception cref="DataFormatException">LibTorch cannot read the module; the message gives its reason.</exception>
    public static TorchScriptTeacher Load(string path, TeacherOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        TorchRuntime.EnsureLoaded();
        torch.jit.ScriptModule module;
        try
        {
            module = torch.jit.load(path, TorchRuntime.Device);
        }
        catch (Exception e) when (e is ExternalException or ArgumentException or InvalidOperationException)
        {
            throw new DataFormatException(path, $"corrupt or unreadable TorchScript file: {NativeError.Summarize(e.Message)}", e);
        }

        module.eval();
        return new TorchScriptTeacher(path, module, options);
    }

    /// <inheritdoc />
    public TeacherOutput Run(ReadOnlyMemory<float> inputs, int rows, int[] sampleShape)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        using var scope = torch.NewDisposeScope();
        using var inference = torch.inference_mode();
        long[] shape = _options.InputLayout == TeacherInputLayout.Flat
            ? [rows, ShapeText.Product(sampleShape)]
            : [rows, .. Array.ConvertAll(sampleShape, d => (long)d)];
        var x = TensorData.From(inputs.Span, shape, TorchRuntime.Device);
        object? result;
        try
        {
            result = _module.call(x);
        }
        catch (ExternalException e)
        {
            var hint = _options.InputLayout == TeacherInputLayout.Flat || sampleShape.Length == 1 ? "" : " (a model without its own Flatten takes input-layout = flat)";
            throw new TeacherRefusedException(Path, $"failed on a batch of shape ({string.Join(", ", shape)}){hint}: {NativeError.Summarize(e.Message)}", e);
        }
        catch (Exception e) when (e is NotImplementedException or ArgumentOutOfRangeException)
        {
            // TorchSharp reads a dict result as an empty list and fails indexing it (ArgumentOutOfRangeException).
            throw new TeacherRefusedException(Path, "returns a value TorchSharp cannot read (a dict or nested structure?); expected a tensor of logits, or a tuple or list of tensors with output = INDEX", e);
        }

        var logits = Select(result);
        return new TeacherOutput(TensorData.ToArray(logits), logits.shape);
    }

    /// <inheritdoc />
    public void Dispose() => _module.Dispose();

    private torch.Tensor Select(object? result)
    {
        if (result is torch.Tensor single)
        {
            if (_options.Output is { } output && output != "0")
            {
                throw new TeacherRefusedException(Path, $"output = {output} names an output of several, but the module returns one tensor {ShapeText.Format(single.shape)}");
            }

            return Floating(single, "its output");
        }

        List<object?> items = result switch
        {
            ITuple tuple => Enumerable.Range(0, tuple.Length).Select(i => tuple[i]).ToList(),
            torch.Tensor[] list => list.Select(t => (object?)t).ToList(),
            object?[] list => list.ToList(),
            _ => throw new TeacherRefusedException(Path, $"returns {result?.GetType().Name ?? "None"}, expected a tensor of logits"),
        };
        var shapes = string.Join(", ", items.Select((item, i) => $"{i}: {(item is torch.Tensor t ? ShapeText.Format(t.shape) : item?.GetType().Name ?? "None")}"));
        if (_options.Output is null)
        {
            if (items.Count != 1)
            {
                throw new TeacherRefusedException(Path, $"returns {items.Count} outputs [{shapes}]; say which holds the logits with output = INDEX in its teacher entry");
            }

            return Floating(items[0], "output 0");
        }

        if (!int.TryParse(_options.Output, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) || index >= items.Count)
        {
            throw new TeacherRefusedException(Path, $"output = {_options.Output} is not an index of its {items.Count} outputs [{shapes}]");
        }

        return Floating(items[index], $"output {index}");
    }

    private torch.Tensor Floating(object? item, string what) =>
        item is torch.Tensor t && t.dtype is torch.ScalarType.Float32 or torch.ScalarType.Float64 or torch.ScalarType.Float16 or torch.ScalarType.BFloat16
            ? t
            : throw new TeacherRefusedException(Path, $"{what} is {(item is torch.Tensor x ? $"a {x.dtype} tensor" : item?.GetType().Name ?? "None")}, expected floating-point logits");
}
