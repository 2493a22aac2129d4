using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using TorchSharp;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MultiTeacher.Core.Training;

/// <summary>Runs a model in evaluation mode over a dataset: logits, accuracy, per-class accuracy, confusion matrix.</summary>
public static class Evaluator
{
    /// <summary>Rows per forward pass when evaluating.</summary>
    public const int BatchSize = 256;

    /// <summary>The logits of every row of <paramref name="data"/>, (Count × classes) row-major; evaluation mode, inference mode.</summary>
    public static float[] Logits(Model model, Dataset data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        DataCompatibility.Check(model.Architecture, data, "model");
        var classes = model.Classes;
        var logits = new float[(long)data.Count * classes];
        model.eval();
        using var inference = torch.inference_mode();
        for (var first = 0; first < data.Count; first += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = torch.NewDisposeScope();
            var rows = Math.Min(BatchSize, data.Count - first);
            TensorData.CopyTo(model.forward(Batches.Range(data, first, rows)), logits.AsSpan(first * classes, rows * classes));
        }

        return logits;
    }

    /// <summary>Evaluates <paramref name="model"/> on <paramref name="data"/>.</summary>
    public static Evaluation Evaluate(Model model, Dataset data, CancellationToken cancellationToken = default) =>
        FromLogits(Logits(model, data, cancellationToken), data.Labels, model.Classes);

    /// <summary>Accuracy figures of precomputed logits (Count × classes) against labels.</summary>
    public static Evaluation FromLogits(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes)
    {
        var confusion = new int[classes][];
        for (var c = 0; c < classes; c++)
        {
            confusion[c] = new int[classes];
        }

        var correct = 0;
        for (var r = 0; r < labels.Length; r++)
        {
            var predicted = TensorPrimitives.IndexOfMax(logits.Slice(r * classes, classes));
            confusion[labels[r]][predicted]++;
            correct += predicted == labels[r] ? 1 : 0;
        }

        var perClass = new double[classes];
        for (var c = 0; c < classes; c++)
        {
            var total = confusion[c].Sum();
            perClass[c] = total == 0 ? double.NaN : (double)confusion[c][c] / total;
        }

        return new Evaluation(labels.Length == 0 ? double.NaN : (double)correct / labels.Length, perClass, confusion, labels.Length);
    }

    /// <summary>Rows of (B, C) <paramref name="logits"/> whose arg-max equals the label (rows labelled −1 never count).</summary>
    public static int CountCorrect(torch.Tensor logits, ReadOnlySpan<int> labels)
    {
        var predicted = TensorData.ArgMax(logits);
        var correct = 0;
        for (var r = 0; r < labels.Length; r++)
        {
            correct += predicted[r] == labels[r] ? 1 : 0;
        }

        return correct;
    }

    /// <summary>Rows whose arg-max logit equals a label (rows labelled −1 never count).</summary>
    public static int CountCorrect(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes)
    {
        var correct = 0;
        for (var r = 0; r < labels.Length; r++)
        {
            correct += TensorPrimitives.IndexOfMax(logits.Slice(r * classes, classes)) == labels[r] ? 1 : 0;
        }

        return correct;
    }
}
