using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultiTeacher.Core.Models;

/// <summary>
/// A model whose network is a TorchScript module defined in PyTorch (<see cref="ArchitectureKind.Scripted"/>): the
/// module's own forward runs, and its trainable parameters are moved into the model's one flat parameter
/// (<c>Tensor.set_</c> makes each a view of it, and each gradient a view of the flat gradient), so the optimizer,
/// checkpoints, resumable state and the pipeline treat it like any other model. Its <see cref="Layout"/> holds the
/// module's <c>state_dict</c> names of the parameters that require gradients; frozen ones stay as they are.
/// </summary>
public sealed partial class Model
{
    private readonly ScriptedModule? _script;
    private readonly List<Parameter> _scriptParameters = [];
    private readonly List<Tensor> _scriptBuffers = []; // float32 buffers, which batch norm updates in place

    private Model(Architecture architecture, ScriptedModule script, ulong seed) : base("Model")
    {
        Architecture = architecture;
        _generator = new Generator(seed);
        _layers = [];
        _script = script;
        var trainable = script.Module.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        _scriptParameters.AddRange(trainable.Select(p => p.parameter));
        _scriptBuffers.AddRange(script.Module.named_buffers().Select(b => b.buffer).Where(b => b.dtype == ScalarType.Float32));
        Layout = trainable.Select(p => new ParameterInfo(p.name, p.parameter.shape.Select(d => (int)d).ToArray())).ToList();
        ParameterCount = Layout.Sum(p => p.Length);
        _flat = FlattenScript(TorchRuntime.Device);
    }

    /// <summary>The TorchScript module of a scripted model; null for an architecture string's model.</summary>
    public ScriptedModule? Script => _script;

    /// <summary>
    /// The float32 buffers of a scripted model (batch-norm running statistics, which its forward updates in training mode),
    /// concatenated in <c>named_buffers</c> order; empty for an architecture string's model, which has none. Kept beside
    /// <see cref="GetWeights"/> wherever a model's state is copied (the best epoch, resumable state): parameters of
    /// one epoch with another epoch's statistics make a different network.
    /// </summary>
    public float[] GetBuffers()
    {
        var values = new float[_scriptBuffers.Sum(b => b.numel())];
        var offset = 0;
        foreach (var buffer in _scriptBuffers)
        {
            var length = (int)buffer.numel();
            TensorData.CopyTo(buffer, values.AsSpan(offset, length));
            offset += length;
        }

        return values;
    }

    /// <summary>Puts back buffers from <see cref="GetBuffers"/>.</summary>
    /// <exception cref="ShapeMismatchException">The number of values is not the model's buffer size.</exception>
    public void SetBuffers(ReadOnlySpan<float> values)
    {
        var total = _scriptBuffers.Sum(b => b.numel());
        if (values.Length != total)
        {
            throw new ShapeMismatchException($"model {Architecture}: {values.Length} buffer values given, it has {total}");
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var offset = 0;
        foreach (var buffer in _scriptBuffers)
        {
            var length = (int)buffer.numel();
            _ = buffer.copy_(TensorData.From(values.Slice(offset, length), buffer.shape, buffer.device));
            offset += length;
        }
    }

    /// <summary>Sets training mode (dropout, batch-norm statistics) here and in a scripted model's module.</summary>
    public override void train(bool on = true)
    {
        base.train(on);
        _script?.Module.train(on);
    }

    /// <summary>
    /// Saves a scripted model as TorchScript at <paramref name="torchScriptPath"/> (which <c>torch.jit.load</c> runs)
    /// and its whole <c>state_dict</c> (parameters and buffers, the module's names) as safetensors at
    /// <paramref name="safetensorsPath"/>, with <paramref name="metadata"/> and the architecture.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model is not scripted.</exception>
    public void SaveScripted(string torchScriptPath, string safetensorsPath, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var script = _script ?? throw new InvalidOperationException($"model {Architecture} is not a TorchScript module");
        script.SaveTorchScript(torchScriptPath);
        Safetensors.Write(safetensorsPath, script.StateDict(), ModelCheckpoint.MetadataOf(this, metadata));
    }

    /// <summary>
    /// Loads the scripted module of <paramref name="architecture"/> and probes it on two random rows of its input shape:
    /// a module LibTorch cannot train is refused here, before any work, naming the reason. Dropout in the module draws
    /// from LibTorch's global generator, which is seeded with <paramref name="seed"/>.
    /// </summary>
    private static Model CreateScripted(Architecture architecture, ulong seed)
    {
        if (!architecture.IsComplete)
        {
            throw new ArchitectureException(
                $"student {architecture}: its input shape and class count come from the data (classes=N&input=CxHxW, filled in by Architecture.ForData)");
        }

        var script = ScriptedModule.Load(architecture.ScriptPath!);
        Model model;
        try
        {
            model = new Model(architecture, script, seed);
        }
        catch
        {
            script.Dispose();
            throw;
        }

        try
        {
            using var scope = NewDisposeScope();
            long[] shape = architecture.FlatInput ? [2, architecture.InputSize] : [2, .. Array.ConvertAll(architecture.InputShape, d => (long)d)];
            script.Probe(rand(shape, generator: model._generator, device: TorchRuntime.Device), architecture.Classes, FlatHint(architecture));
        }
        catch
        {
            model.Dispose();
            throw;
        }

        _ = random.manual_seed((long)seed);
        return model;
    }

    private static string FlatHint(Architecture architecture) => architecture.FlatInput || architecture.InputShape.Length == 1
        ? ""
        : $" (a module without its own flatten takes each sample flattened: student = \"{Architecture.ScriptedPrefix}{architecture.ScriptPath}?input-layout=flat\")";

    private Tensor ScriptForward(Tensor input)
    {
        var shape = input.shape;
        var sample = Architecture.InputShape;
        Tensor x;
        if (Architecture.FlatInput && shape.Length >= 2 && shape.AsSpan(1).ToArray().Aggregate(1L, (a, b) => a * b) == Architecture.InputSize)
        {
            x = shape.Length == 2 ? input : input.reshape(shape[0], Architecture.InputSize);
        }
        else if (!Architecture.FlatInput && shape.Length == sample.Length + 1 && shape.AsSpan(1).SequenceEqual(Array.ConvertAll(sample, d => (long)d)))
        {
            x = input;
        }
        else if (!Architecture.FlatInput && shape.Length == 2 && shape[1] == Architecture.InputSize)
        {
            x = input.view([shape[0], .. Array.ConvertAll(sample, d => (long)d)]);
        }
        else
        {
            throw new ShapeMismatchException(
                $"model {Architecture}: input has shape {ShapeText.Format(shape)}, expected {ShapeText.FormatBatch(sample)} or (B, {Architecture.InputSize})");
        }

        // TorchScript's profiling executor, once it has seen training runs, runs a graph that records autograd and fails on
        // inference tensors ("Inference tensors cannot be saved for backward"): without gradients, leave inference mode
        // and give the module a normal copy of the batch.
        var inference = !is_grad_enabled();
        using var notInference = inference ? inference_mode(false) : null;
        using var noGrad = inference ? no_grad() : null;
        x = inference ? x.clone() : x;
        var logits = _script!.Call(x, FlatHint(Architecture)); // (B, classes)
        if (logits.shape.Length != 2 || logits.shape[0] != shape[0] || logits.shape[1] != Classes)
        {
            throw new ShapeMismatchException(
                $"student {_script.Path} returned {ShapeText.Format(logits.shape)} on a batch of {shape[0]} rows, expected ({shape[0]}, {Classes})");
        }

        return logits;
    }

    /// <summary>
    /// The same as <see cref="Flatten"/> for a module's parameters: each trainable parameter's storage becomes a view of
    /// one flat parameter (and its gradient a view of the flat gradient, which autograd accumulates into in place).
    /// Checked afterwards by writing each element's index into the flat parameter and reading it back through the
    /// module's parameters: a parameter shared by two names (tied weights) would read another offset, and is refused.
    /// </summary>
    private Parameter FlattenScript(Device device)
    {
        var flat = new Parameter(zeros(ParameterCount, device: device));
        var grad = zeros(ParameterCount, device: device);
        using (no_grad())
        {
            var offset = 0L;
            foreach (var parameter in _scriptParameters)
            {
                var length = parameter.numel();
                var values = flat.detach().narrow(0, offset, length).view(parameter.shape);
                _ = values.copy_(parameter);
                _ = parameter.set_(values);
                parameter.grad = grad.narrow(0, offset, length).view(parameter.shape);
                offset += length;
            }
        }

        flat.grad = grad;
        CheckFlattened(flat);
        return flat;
    }

    private void CheckFlattened(Parameter flat)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var values = flat.detach().clone();
        // Explicit and alive until the op is done (see Scalars; arange(stop) makes its start and step implicitly).
        using var start = 0.ToScalar();
        using var stop = ParameterCount.ToScalar();
        _ = flat.detach().copy_(arange(start, stop, Scalars.One, dtype: ScalarType.Float32, device: flat.device));
        try
        {
            var offset = 0;
            for (var i = 0; i < _scriptParameters.Count; i++)
            {
                var first = _scriptParameters[i].flatten()[0].item<float>();
                if (first != offset)
                {
                    var other = Layout.Where((_, j) => Layout.Take(j).Sum(p => p.Length) == (int)first).Select(p => p.Name).FirstOrDefault() ?? "another";
                    throw _script!.Refused($"parameters {Layout[i].Name} and {other} are one tensor (tied weights), which one flat parameter cannot hold as two");
                }

                offset += Layout[i].Length;
            }
        }
        finally
        {
            _ = flat.detach().copy_(values);
        }
    }
}
