using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using MultiTeacher.Core.Training;
using MultiTeacher.Distillation.Features;
using static TorchSharp.torch;

namespace MultiTeacher.Distillation.Students;

/// <summary>
/// Feeds a <see cref="FeatureTrainingStep"/> a shard's teacher features batch by batch: each block is widened to
/// float32 once per shard, and each batch gets the rows it trains on as tensors (B, ...). Keeps each term's loss summed
/// over the shard's rows for the report.
/// </summary>
internal sealed class FeatureTargets(FeatureTrainingStep step)
{
    private readonly Dictionary<(string Teacher, string Layer), (float[] Values, int[] Shape)> _blocks = [];
    private readonly double[] _sums = new double[step.Terms.Count];
    private readonly int[] _rows = new int[step.Terms.Count];

    /// <summary>The step's feature terms.</summary>
    public IReadOnlyList<Core.Losses.Features.FeatureTerm> Terms => step.Terms;

    /// <summary>Takes the features of a shard of <paramref name="rows"/> rows.</summary>
    public void Begin(IReadOnlyList<FeatureBlock> features, int rows)
    {
        _blocks.Clear();
        Array.Clear(_sums);
        Array.Clear(_rows);
        foreach (var block in features)
        {
            if (block.Rows != rows)
            {
                throw new ShapeMismatchException($"teacher {block.TeacherId}'s feature of layer {block.Layer} has {block.Rows} rows, the shard {rows}");
            }

            _blocks[(block.TeacherId, block.Layer)] = (block.ToFloats(), block.Shape);
        }
    }

    /// <summary>One step on the batch of shard rows [<paramref name="first"/>, first + count).</summary>
    public StepResult Run(Tensor inputs, ReadOnlySpan<int> labels, Tensor? targets, int first, int count)
    {
        var featureTargets = step.Terms.Select(term => (IReadOnlyList<Tensor?>)term.Teachers.Select(teacher =>
        {
            if (!_blocks.TryGetValue((teacher.TeacherId, teacher.Layer), out var block))
            {
                return null; // the teacher did not answer this shard: the term goes on with the others
            }

            var length = block.Values.Length / block.Shape[0];
            return (Tensor?)TensorData.From(block.Values.AsSpan(first * length, count * length), [count, .. block.Shape[1..].Select(d => (long)d)], inputs.device);
        }).ToList()).ToList();
        var result = step.Run(inputs, labels, targets, featureTargets);
        for (var j = 0; j < _sums.Length; j++)
        {
            if (!double.IsNaN(result.FeatureLosses[j]))
            {
                _sums[j] += result.FeatureLosses[j] * count;
                _rows[j] += count;
            }
        }

        return result.Step;
    }

    /// <summary>Each term's mean loss over the shard's rows that had its features.</summary>
    public IReadOnlyDictionary<string, double> End() =>
        step.Terms.Select((term, j) => (term.Label, Mean: _rows[j] == 0 ? double.NaN : _sums[j] / _rows[j])).ToDictionary(t => t.Label, t => t.Mean);
}
