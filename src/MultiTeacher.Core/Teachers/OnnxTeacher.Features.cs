using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using TorchSharp;

namespace MultiTeacher.Core.Teachers;

/// <summary>
/// Named intermediate outputs of an ONNX teacher: the graph's outputs other than the logits, by output name (export
/// the layer as an extra output, e.g. <c>output_names=["logits", "conv"]</c> with a forward returning both). A value
/// inside the graph that is not one of its outputs cannot be asked for: ONNX Runtime's <c>Run</c> accepts only the
/// graph's declared outputs (it refuses any other name), and the graph is not rewritten here.
/// </summary>
public sealed partial class OnnxTeacher : IFeatureTeacher
{
    /// <inheritdoc />
    public IReadOnlyList<string> FeatureLayers => _session.OutputNames.Where(n => n != _outputName).ToList();

    /// <inheritdoc />
    public TeacherFeatures RunWithFeatures(ReadOnlyMemory<float> inputs, int rows, int[] sampleShape, IReadOnlyList<FeatureRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        ArgumentNullException.ThrowIfNull(requests);
        var layers = FeatureLayers;
        foreach (var request in requests)
        {
            if (!layers.Contains(request.Layer))
            {
                throw new UnknownLayerException($"ONNX teacher {Path}", request.Layer,
                    layers.Count == 0 ? [$"(none: its graph's only output is {_outputName}; export the layer as an extra output)"] : layers);
            }
        }

        var names = requests.Select(r => r.Layer).Distinct(StringComparer.Ordinal).Prepend(_outputName).ToArray();
        var shape = InputShape(rows, sampleShape);
        using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, MemoryMarshal.AsMemory(inputs), shape);
        try
        {
            using var results = _session.Run(_runOptions, [_inputName], [value], names);
            var outputs = names.Select((name, i) => ToOutput(name, results[i])).ToArray();
            using var scope = torch.NewDisposeScope();
            var features = requests.Select(request =>
            {
                var output = outputs[Array.IndexOf(names, request.Layer)];
                if (!request.AttentionMap)
                {
                    return output;
                }

                var tensor = TensorData.From(output.Values, output.Shape, TorchRuntime.Device);
                return FeatureOutputs.From(tensor, request);
            }).ToList();
            return new TeacherFeatures(outputs[0], features);
        }
        catch (OnnxRuntimeException e)
        {
            throw new TeacherRefusedException(Path, $"failed on input '{_inputName}' of shape ({string.Join(", ", shape)}): {NativeError.Summarize(e.Message)}", e);
        }
    }

    private TeacherOutput ToOutput(string name, OrtValue output)
    {
        if (!output.IsTensor)
        {
            throw new TeacherRefusedException(Path, $"output '{name}' is not a tensor");
        }

        var info = output.GetTensorTypeAndShape();
        return info.ElementDataType == TensorElementType.Float
            ? new TeacherOutput(output.GetTensorDataAsSpan<float>().ToArray(), info.Shape)
            : throw new TeacherRefusedException(Path, $"output '{name}' is of {info.ElementDataType}, expected float32");
    }
}
