using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;

namespace MultiTeacher.Core.Teachers;

/// <summary>
/// An ONNX model run by ONNX Runtime on the CPU with <see cref="TorchRuntime.Threads"/> intra-op threads (the run's
/// <c>multiteacher.threads</c>). The model must take one float input; its declared shape is checked against the data
/// before anything runs, and a declared (batch, features) input gets the samples flattened.
/// </summary>
public sealed partial class OnnxTeacher : ITeacherNetwork
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string _inputName;
    private readonly int[] _inputDims;
    private readonly string _outputName;
    private readonly TeacherOptions _options;

    private OnnxTeacher(string path, InferenceSession session, TeacherOptions options, long parameterCount)
    {
        Path = path;
        ParameterCount = parameterCount;
        _session = session;
        _options = options;
        if (session.InputMetadata.Count != 1)
        {
            throw new TeacherRefusedException(path, $"takes {session.InputMetadata.Count} inputs [{string.Join(", ", session.InputMetadata.Keys)}]; a teacher takes one batch of samples");
        }

        var (inputName, input) = session.InputMetadata.First();
        if (input.ElementType != typeof(float))
        {
            throw new TeacherRefusedException(path, $"input '{inputName}' is of {input.ElementType.Name}, expected float32");
        }

        _inputName = inputName;
        _inputDims = input.Dimensions;
        _outputName = ChooseOutput(path, session, options.Output);
        Description = $"onnx ({inputName} {DeclaredShape(_inputDims)} → {_outputName})";
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <inheritdoc />
    public TeacherFormat Format => TeacherFormat.Onnx;

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public long ParameterCount { get; }

    /// <summary>Loads the model at <paramref name="path"/>, after checking that the file is a whole ModelProto.</summary>
    /// <exception cref="DataFormatException">The file is truncated or corrupt, or ONNX Runtime cannot load it; the message gives the reason.</exception>
    /// <exception cref="TeacherRefusedException">The model does not take one float input, or its outputs are ambiguous.</exception>
    public static OnnxTeacher Load(string path, TeacherOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var bytes = File.ReadAllBytes(path);
        OnnxFileCheck.Check(path, bytes);
        InferenceSession session;
        using (var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = TorchRuntime.Threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        })
        {
            try
            {
                session = new InferenceSession(bytes, sessionOptions);
            }
            catch (OnnxRuntimeException e)
            {
                throw new DataFormatException(path, $"ONNX Runtime cannot load the model: {NativeError.Summarize(e.Message)}", e);
            }
        }

        try
        {
            return new OnnxTeacher(path, session, options, OnnxParameterCount.Count(bytes));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public TeacherOutput Run(ReadOnlyMemory<float> inputs, int rows, int[] sampleShape)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        var shape = InputShape(rows, sampleShape);
        using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, MemoryMarshal.AsMemory(inputs), shape);
        try
        {
            using var results = _session.Run(_runOptions, [_inputName], [value], [_outputName]);
            var output = results[0];
            if (!output.IsTensor)
            {
                throw new TeacherRefusedException(Path, $"output '{_outputName}' is not a tensor, expected logits");
            }

            var info = output.GetTensorTypeAndShape();
            if (info.ElementDataType != TensorElementType.Float)
            {
                throw new TeacherRefusedException(Path, $"output '{_outputName}' is of {info.ElementDataType}, expected float32 logits");
            }

            return new TeacherOutput(output.GetTensorDataAsSpan<float>().ToArray(), info.Shape);
        }
        catch (OnnxRuntimeException e)
        {
            throw new TeacherRefusedException(Path, $"failed on input '{_inputName}' of shape ({string.Join(", ", shape)}): {NativeError.Summarize(e.Message)}", e);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }

    /// <summary>The batch shape the model gets: the data's sample shape, or flattened where the model declares (batch, features).</summary>
    private long[] InputShape(int rows, int[] sampleShape)
    {
        var features = ShapeText.Product(sampleShape);
        var flat = _options.InputLayout switch
        {
            TeacherInputLayout.Flat => true,
            TeacherInputLayout.Shaped => false,
            _ => _inputDims.Length == 2 && sampleShape.Length > 1,
        };
        long[] shape = flat ? [rows, features] : [rows, .. Array.ConvertAll(sampleShape, d => (long)d)];
        var fits = _inputDims.Length == shape.Length
            && _inputDims.Select((d, i) => d < 0 || d == shape[i]).All(ok => ok);
        if (!fits)
        {
            var batchOnly = _inputDims.Length == shape.Length && _inputDims.Skip(1).Select((d, i) => d < 0 || d == shape[i + 1]).All(ok => ok);
            var hint = batchOnly ? $"; it was exported for a fixed batch of {_inputDims[0]}: export it with dynamic_axes={{'{_inputName}': {{0: 'batch'}}}}" : "";
            throw new TeacherRefusedException(Path,
                $"expects input '{_inputName}' of shape {DeclaredShape(_inputDims)}, the data gives ({string.Join(", ", shape)}){hint}");
        }

        return shape;
    }

    private static string ChooseOutput(string path, InferenceSession session, string? wanted)
    {
        var names = session.OutputNames;
        var listed = string.Join(", ", names.Select((n, i) => $"{i}: {n} {DeclaredShape(session.OutputMetadata[n].Dimensions)}"));
        if (wanted is null)
        {
            return names.Count == 1
                ? names[0]
                : throw new TeacherRefusedException(path, $"has {names.Count} outputs [{listed}]; say which holds the logits with output = NAME or INDEX in its teacher entry");
        }

        if (names.Contains(wanted))
        {
            return wanted;
        }

        return int.TryParse(wanted, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < names.Count
            ? names[index]
            : throw new TeacherRefusedException(path, $"output = {wanted} names none of its outputs [{listed}]");
    }

    private static string DeclaredShape(int[] dims) => "(" + string.Join(", ", dims.Select(d => d < 0 ? "batch" : d.ToString(CultureInfo.InvariantCulture))) + ")";
}
