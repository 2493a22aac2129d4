using System.Globalization;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using TorchSharp;
using TorchSharp.PyBridge;

namespace MultiTeacher.Core.Checkpoints;

/// <summary>
/// Saves and loads models as safetensors files that PyTorch reads: one tensor per <c>state_dict()</c> entry of the
/// equivalent <c>torch.nn.Sequential</c> (<c>0.weight</c>, <c>0.bias</c>, ...), and the architecture string in
/// <c>__metadata__["arch"]</c> beside <c>classes</c>, <c>params</c> and whatever the caller adds (dataset, seed, metrics).
/// Our own reader and writer do the safetensors files (TorchSharp.PyBridge's write no <c>__metadata__</c>, not
/// atomically, and check little); PyBridge reads PyTorch's own <c>torch.save(model.state_dict())</c> files, whose
/// architecture the caller names.
/// </summary>
public static class ModelCheckpoint
{
    /// <summary>Metadata key of the architecture string.</summary>
    public const string ArchitectureKey = "arch";

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> atomically, with <paramref name="metadata"/>.</summary>
    public static void Save(Model model, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var values = model.GetWeights();
        var tensors = new List<SafetensorsTensor>();
        var offset = 0;
        foreach (var parameter in model.Layout)
        {
            tensors.Add(new SafetensorsTensor(parameter.Name, parameter.Shape, values.AsMemory(offset, parameter.Length)));
            offset += parameter.Length;
        }

        Safetensors.Write(path, tensors, MetadataOf(model, metadata));
    }

    /// <summary>The metadata written with a model: the caller's, plus <c>arch</c>, <c>classes</c> and <c>params</c>.</summary>
    public static Dictionary<string, string> MetadataOf(Model model, IReadOnlyDictionary<string, string>? metadata)
    {
        var all = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        all[ArchitectureKey] = model.Architecture.Text;
        all["classes"] = model.Classes.ToString(CultureInfo.InvariantCulture);
        all["params"] = model.ParameterCount.ToString(CultureInfo.InvariantCulture);
        return all;
    }

    /// <summary>
    /// Reads a model file: a safetensors file (the model of its <c>arch</c> metadata, or of <paramref name="architecture"/>
    /// when the file has none), or a <c>torch.save</c> state_dict (<c>.pt</c>, <c>.pth</c>), whose architecture must be
    /// given.
    /// </summary>
    /// <exception cref="DataFormatException">The file is corrupt, has no architecture, or its tensors do not match it.</exception>
    public static LoadedModel Load(string path, string? architecture = null)
    {
        if (IsTorchSave(path))
        {
            return LoadTorchSave(path, architecture);
        }

        var file = Safetensors.Read(path);
        if (!file.Metadata.TryGetValue(ArchitectureKey, out var arch) && (arch = architecture) is null)
        {
            throw new DataFormatException(path,
                $"no '{ArchitectureKey}' in __metadata__: expected the architecture string (for example mlp:784-64-10), found keys [{string.Join(", ", file.Metadata.Keys)}]", null);
        }

        var model = CreateModel(path, arch);

        try
        {
            LoadInto(model, file);
        }
        catch
        {
            model.Dispose();
            throw;
        }

        return new LoadedModel(model, file.Metadata, path);
    }

    /// <summary>Copies the tensors of <paramref name="file"/> into <paramref name="model"/>, checking names and shapes.</summary>
    /// <exception cref="DataFormatException">A tensor is missing, extra, or of another shape; the message names both sides.</exception>
    public static void LoadInto(Model model, SafetensorsFile file)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(file);
        var expected = model.Layout;
        var extra = file.Tensors.Select(t => t.Name).Except(expected.Select(p => p.Name)).ToList();
        if (extra.Count > 0)
        {
            throw new DataFormatException(file.Source,
                $"tensors [{string.Join(", ", extra)}] are not parameters of {model.Architecture} (expected [{string.Join(", ", expected.Select(p => p.Name))}])", null);
        }

        var weights = new float[model.ParameterCount];
        var offset = 0;
        foreach (var parameter in expected)
        {
            if (!file.TryGetTensor(parameter.Name, out var tensor))
            {
                throw new DataFormatException(file.Source, $"tensor '{parameter.Name}' of {model.Architecture} is missing", null);
            }

            if (!tensor.Shape.SequenceEqual(parameter.Shape))
            {
                throw new DataFormatException(file.Source,
                    $"tensor '{parameter.Name}' has shape [{string.Join(", ", tensor.Shape)}], {model.Architecture} expects [{string.Join(", ", parameter.Shape)}]", null);
            }

            tensor.Data.Span.CopyTo(weights.AsSpan(offset, parameter.Length));
            offset += parameter.Length;
        }

        model.SetWeights(weights);
    }

    private static bool IsTorchSave(string path)
    {
        // torch.save writes a zip archive: "PK\x03\x04".
        Span<byte> magic = stackalloc byte[4];
        using var stream = File.OpenRead(path);
        return stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic.SequenceEqual("PK\u0003\u0004"u8);
    }

    /// <summary>Builds the model a file at <paramref name="path"/> names; an unusable architecture is the file's error.</summary>
    private static Model CreateModel(string path, string architecture)
    {
        try
        {
            return Model.Create(architecture, 0);
        }
        catch (ArchitectureException e)
        {
            throw new DataFormatException(path, e.Message, e);
        }
    }

    private static LoadedModel LoadTorchSave(string path, string? architecture)
    {
        if (architecture is null)
        {
            throw new DataFormatException(path,
                "a torch.save state_dict holds no architecture string: name it (mt eval --arch cnn:32-64-128, for example)", null);
        }

        var model = CreateModel(path, architecture);

        try
        {
            // PyBridge unpickles the tensors; names and shapes are checked here before any value is copied (its own
            // load_py reads into the parameters with the file's shape, unchecked). PyTorch's names are the model's names.
            using var scope = torch.NewDisposeScope();
            var state = PyTorchUnpickler.UnpickleStateDict(path);
            var tensors = new List<SafetensorsTensor>();
            foreach (System.Collections.DictionaryEntry entry in state)
            {
                if (entry.Key is not string name || entry.Value is not torch.Tensor tensor)
                {
                    throw new InvalidDataException($"entry {entry.Key} is not a named tensor");
                }

                tensors.Add(new SafetensorsTensor(name, Array.ConvertAll(tensor.shape, d => (int)d), TensorData.ToArray(tensor)));
            }

            LoadInto(model, new SafetensorsFile(path, tensors, new Dictionary<string, string>()));
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or NotImplementedException or InvalidCastException
            or Razorvine.Pickle.PickleException)
        {
            model.Dispose();
            throw new DataFormatException(path, $"not a state_dict of {architecture}: {e.Message}", e);
        }
        catch (DataFormatException e)
        {
            model.Dispose();
            throw new DataFormatException(path, $"not a state_dict of {architecture}: {e.Message[(path.Length + 2)..]}", e);
        }

        return new LoadedModel(model, MetadataOf(model, null), path);
    }
}
