using System.Runtime.InteropServices;
using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Teachers;
using MultiTeacher.Core.Torch;
using static TorchSharp.torch;

namespace MultiTeacher.Core.Models;

/// <summary>
/// A TorchScript module to be trained as a student (<c>student = "file:student.pt"</c>): loaded with
/// <c>torch.jit.load</c>, refused before any training when LibTorch cannot train it (no parameters, none requiring
/// gradients, not float32, an output that is not (B, classes) floating-point logits, or logits no gradient flows back
/// from), and saved again with <c>torch.jit.save</c> into a fresh copy of the file it came from, so the saved file's
/// parameters are plain tensors whatever the training did to their storage. A <see cref="Model"/> owns one.
/// Not thread-safe: one owner at a time.
/// </summary>
public sealed class ScriptedModule : IDisposable
{
    private readonly byte[] _bytes; // the file as loaded: a fresh copy of the module is loaded from it to save

    private ScriptedModule(string path, byte[] bytes, jit.ScriptModule module)
    {
        Path = path;
        _bytes = bytes;
        Module = module;
    }

    /// <summary>The file the module came from.</summary>
    public string Path { get; }

    /// <summary>The module.</summary>
    public jit.ScriptModule Module { get; }

    /// <summary>Whether the file at <paramref name="path"/> is a whole TorchScript archive (not a torch.save state_dict, not damaged).</summary>
    public static bool IsTorchScript(string path)
    {
        try
        {
            return File.Exists(path) && TeacherFileFormat.Detect(path) == TeacherFormat.TorchScript;
        }
        catch (DataFormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// Loads the TorchScript module at <paramref name="path"/> and checks what can be checked without data: it has
    /// float32 parameters and at least one of them requires gradients.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="DataFormatException">The file is not a readable TorchScript module.</exception>
    /// <exception cref="ArchitectureException">LibTorch cannot train the module; the message names the reason.</exception>
    public static ScriptedModule Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"student file {path} does not exist", path);
        }

        var format = TeacherFileFormat.Detect(path);
        if (format != TeacherFormat.TorchScript)
        {
            throw new DataFormatException(path, format == TeacherFormat.Onnx
                ? "an ONNX model cannot be trained here (ONNX Runtime runs models, it does not train them): save the PyTorch module with torch.jit.save(torch.jit.script(model), path)"
                : "a safetensors checkpoint, not a student definition: name its architecture as the student (for example mlp:784-64-10), or save a PyTorch module with torch.jit.save(torch.jit.script(model), path)",
                null);
        }

        TorchRuntime.EnsureLoaded();
        var bytes = File.ReadAllBytes(path);
        var module = LoadModule(path, bytes);
        try
        {
            Check(path, module);
        }
        catch
        {
            module.Dispose();
            throw;
        }

        return new ScriptedModule(path, bytes, module);
    }

    /// <summary>
    /// Runs the module in evaluation mode on <paramref name="probe"/> (B ≥ 2 rows shaped as the module takes them) with
    /// gradients on, and refuses it unless it returns one float32 tensor (B, <paramref name="classes"/>) of finite
    /// logits that gradients flow back from. Evaluation mode leaves batch-norm statistics as they are.
    /// </summary>
    /// <exception cref="ArchitectureException">The module cannot be trained on this data; the message names the reason.</exception>
    public void Probe(Tensor probe, int classes, string hint)
    {
        ArgumentNullException.ThrowIfNull(probe);
        using var scope = NewDisposeScope();
        var wasTraining = Module.training;
        Module.eval();
        try
        {
            var logits = Call(probe, hint);
            var rows = probe.shape[0];
            if (logits.dtype != ScalarType.Float32)
            {
                throw Refused($"its output is a {logits.dtype} tensor, expected float32 logits");
            }

            if (logits.shape.Length != 2 || logits.shape[0] != rows || logits.shape[1] != classes)
            {
                throw Refused($"on a batch of shape {ShapeText.Format(probe.shape)} it returns {ShapeText.Format(logits.shape)}, expected ({rows}, {classes}): (batch, classes) logits");
            }

            if (!logits.requires_grad)
            {
                throw Refused("no gradient flows back from its logits to its parameters (its forward detaches them, runs under no_grad, or ends in an operation " +
                    "without a gradient such as argmax or a cast to integers)");
            }

            if (!logits.isfinite().all().item<bool>())
            {
                throw Refused($"it returns NaN or infinite logits on a batch of shape {ShapeText.Format(probe.shape)}");
            }
        }
        finally
        {
            Module.train(wasTraining);
        }
    }

    /// <summary>Logits of a batch: the module's one tensor output.</summary>
    /// <exception cref="ShapeMismatchException">The module failed on the batch; the message names the shape and LibTorch's reason.</exception>
    /// <exception cref="ArchitectureException">The module returns something other than one tensor.</exception>
    public Tensor Call(Tensor input, string hint = "")
    {
        ArgumentNullException.ThrowIfNull(input);
        object? result;
        try
        {
            result = Module.call(input);
        }
        catch (ExternalException e)
        {
            throw new ShapeMismatchException($"student {Path} failed on a batch of shape {ShapeText.Format(input.shape)}{hint}: {NativeError.Summarize(e.Message)}");
        }
        catch (Exception e) when (e is NotImplementedException or ArgumentOutOfRangeException)
        {
            // TorchSharp reads a dict result as an empty list and fails indexing it (ArgumentOutOfRangeException).
            throw new ArchitectureException($"student {Path}: LibTorch cannot train it: it returns a value TorchSharp cannot read (a dict?), expected one tensor of logits ({e.Message})");
        }

        return result as Tensor
            ?? throw Refused($"it returns {Describe(result)}, expected one tensor of logits (a student's forward returns only its logits)");
    }

    /// <summary>
    /// Saves the module as TorchScript at <paramref name="path"/> (a fresh copy of the original file holding the current
    /// parameter and buffer values, in evaluation mode), which PyTorch's <c>torch.jit.load</c> runs.
    /// </summary>
    public void SaveTorchScript(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var copy = LoadModule(Path, _bytes);
        using (no_grad())
        {
            var current = Module.state_dict();
            foreach (var (name, tensor) in copy.state_dict())
            {
                _ = tensor.copy_(current[name]);
            }
        }

        copy.eval();
        var temporary = path + ".tmp";
        jit.save(copy, temporary);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Every entry of the module's <c>state_dict()</c> (parameters and buffers, PyTorch's names) as float32 copies; other dtypes are skipped.</summary>
    public IReadOnlyList<SafetensorsTensor> StateDict() => Module.state_dict()
        .Where(entry => entry.Value.dtype == ScalarType.Float32)
        .Select(entry => new SafetensorsTensor(entry.Key, entry.Value.shape.Select(d => (int)d).ToArray(), TensorData.ToArray(entry.Value)))
        .ToList();

    /// <summary>State-dict entries that are not float32 (an integer buffer such as batch norm's <c>num_batches_tracked</c>), by name.</summary>
    public IReadOnlyList<string> NonFloatStateNames => Module.state_dict().Where(e => e.Value.dtype != ScalarType.Float32).Select(e => e.Key).ToList();

    /// <inheritdoc />
    public void Dispose() => Module.Dispose();

    /// <summary>The refusal of a module LibTorch cannot train, naming the file and the reason.</summary>
    internal ArchitectureException Refused(string reason) => RefusedAt(Path, reason);

    private static ArchitectureException RefusedAt(string path, string reason) => new($"student {path}: LibTorch cannot train it: {reason}");

    private static jit.ScriptModule LoadModule(string path, byte[] bytes)
    {
        try
        {
            return jit.load(bytes, TorchRuntime.Device);
        }
        catch (Exception e) when (e is ExternalException or ArgumentException or InvalidOperationException)
        {
            throw new DataFormatException(path, $"corrupt or unreadable TorchScript file: {NativeError.Summarize(e.Message)}", e);
        }
    }

    private static void Check(string path, jit.ScriptModule module)
    {
        var parameters = module.named_parameters().ToList();
        if (parameters.Count == 0)
        {
            throw RefusedAt(path, "the module has no parameters, so there is nothing to train");
        }

        if (!parameters.Exists(p => p.parameter.requires_grad))
        {
            throw RefusedAt(path, $"none of its {parameters.Count} parameters requires gradients (all frozen: requires_grad = False)");
        }

        if (parameters.Find(p => p.parameter.dtype != ScalarType.Float32) is { name: not null } other)
        {
            throw RefusedAt(path, $"parameter {other.name} is {other.parameter.dtype}; students train in float32 (call model.float() before torch.jit.script)");
        }
    }

    private static string Describe(object? value) => value switch
    {
        null => "None",
        System.Runtime.CompilerServices.ITuple tuple => $"a tuple of {tuple.Length}",
        Array array => $"a list of {array.Length}",
        _ => value.GetType().Name,
    };
}
