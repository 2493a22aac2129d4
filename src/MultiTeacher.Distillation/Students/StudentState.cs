using System.Globalization;
using System.Text.Json;
using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Optimizers;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Distillation.Students;

/// <summary>
/// Everything a student trainer needs to continue a run exactly where it stopped: weights, optimizer state, the
/// next shard of the plan, the best epoch's weights and the history. Written atomically after every trained shard
/// (a safetensors file, so the weights inside are still readable by PyTorch tools).
/// </summary>
public sealed record StudentState(string RunId, int NextShard, float[] Weights, IReadOnlyDictionary<string, float[]> OptimizerBuffers, long Steps,
    float[]? Best, double BestAccuracy, int BestEpoch, int Trained, int Duplicates, int Checkpoints, double EpochLoss, int EpochRows,
    IReadOnlyList<StudentEpochCompleted> Epochs)
{
    private const string WeightsTensor = "student.weights";
    private const string BestTensor = "student.best";
    private const string BuffersTensor = "student.buffers";
    private const string BestBuffersTensor = "student.best_buffers";
    private static readonly JsonSerializerOptions s_json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>A scripted student's float buffers (batch-norm statistics, see <see cref="Model.GetBuffers"/>); empty for the others.</summary>
    public float[] Buffers { get; init; } = [];

    /// <summary>The buffers of the best epoch, beside <see cref="Best"/>.</summary>
    public float[] BestBuffers { get; init; } = [];

    /// <summary>Writes the state (temporary file, fsync, rename).</summary>
    public void Save(string path)
    {
        var tensors = new List<SafetensorsTensor> { new(WeightsTensor, [Weights.Length], Weights) };
        tensors.AddRange(OptimizerBuffers.OrderBy(b => b.Key, StringComparer.Ordinal).Select(b => new SafetensorsTensor(b.Key, [b.Value.Length], b.Value)));
        if (Best is not null)
        {
            tensors.Add(new SafetensorsTensor(BestTensor, [Best.Length], Best));
        }

        if (Buffers.Length > 0)
        {
            tensors.Add(new SafetensorsTensor(BuffersTensor, [Buffers.Length], Buffers));
        }

        if (BestBuffers.Length > 0)
        {
            tensors.Add(new SafetensorsTensor(BestBuffersTensor, [BestBuffers.Length], BestBuffers));
        }

        var inv = CultureInfo.InvariantCulture;
        Safetensors.Write(path, tensors, new Dictionary<string, string>
        {
            ["run"] = RunId,
            ["next_shard"] = NextShard.ToString(inv),
            ["steps"] = Steps.ToString(inv),
            ["best_accuracy"] = BestAccuracy.ToString("R", inv),
            ["best_epoch"] = BestEpoch.ToString(inv),
            ["trained"] = Trained.ToString(inv),
            ["duplicates"] = Duplicates.ToString(inv),
            ["checkpoints"] = Checkpoints.ToString(inv),
            ["epoch_loss"] = EpochLoss.ToString("R", inv),
            ["epoch_rows"] = EpochRows.ToString(inv),
            ["epochs"] = JsonSerializer.Serialize(Epochs, s_json),
        });
    }

    /// <summary>
    /// Hands the state at <paramref name="path"/> over to run <paramref name="runId"/> (a resumed run has a new id and
    /// new queues): rewrites its run id, atomically, and returns the run it came from and the next shard to train.
    /// </summary>
    public static (string PreviousRunId, int NextShard) HandOver(string path, string runId)
    {
        var file = Safetensors.Read(path);
        if (!file.Metadata.TryGetValue("run", out var previous) || !file.Metadata.TryGetValue("next_shard", out var next))
        {
            throw new InvalidDataException($"{path}: not a student state (no 'run' or 'next_shard' in its metadata)");
        }

        var metadata = file.Metadata.ToDictionary(m => m.Key, m => m.Value);
        metadata["run"] = runId;
        Safetensors.Write(path, file.Tensors, metadata);
        return (previous, int.Parse(next, CultureInfo.InvariantCulture));
    }

    /// <summary>Reads a state written by <see cref="Save"/>; a file of another run or shape is refused, naming both sides.</summary>
    public static StudentState Load(string path, string runId, Model student, Optimizer optimizer)
    {
        var file = Safetensors.Read(path);
        var meta = file.Metadata;
        string Meta(string key) => meta.TryGetValue(key, out var value)
            ? value
            : throw new InvalidDataException($"{path}: not a student state (no '{key}' in its metadata)");
        if (Meta("run") != runId)
        {
            throw new InvalidDataException($"{path}: the state of run {Meta("run")}, not of run {runId}");
        }

        float[] Tensor(string name)
        {
            var tensor = file[name];
            if (tensor.Length != student.ParameterCount)
            {
                throw new InvalidDataException($"{path}: {name} has {tensor.Length} values, the student {student.Architecture} has {student.ParameterCount}");
            }

            return tensor.Data.ToArray();
        }

        var inv = CultureInfo.InvariantCulture;
        return new StudentState(runId, int.Parse(Meta("next_shard"), inv), Tensor(WeightsTensor),
            optimizer.StateBuffers.Keys.ToDictionary(k => k, Tensor), long.Parse(Meta("steps"), inv),
            file.TryGetTensor(BestTensor, out _) ? Tensor(BestTensor) : null, double.Parse(Meta("best_accuracy"), inv),
            int.Parse(Meta("best_epoch"), inv), int.Parse(Meta("trained"), inv), int.Parse(Meta("duplicates"), inv),
            int.Parse(Meta("checkpoints"), inv), double.Parse(Meta("epoch_loss"), inv), int.Parse(Meta("epoch_rows"), inv),
            JsonSerializer.Deserialize<List<StudentEpochCompleted>>(Meta("epochs"), s_json) ?? [])
        {
            Buffers = file.TryGetTensor(BuffersTensor, out var buffers) ? buffers.Data.ToArray() : [],
            BestBuffers = file.TryGetTensor(BestBuffersTensor, out var best) ? best.Data.ToArray() : [],
        };
    }

    /// <summary>Puts the weights and optimizer state back into the live student and optimizer.</summary>
    public void RestoreInto(Model student, Optimizer optimizer)
    {
        student.SetWeights(Weights);
        if (Buffers.Length > 0)
        {
            student.SetBuffers(Buffers);
        }

        optimizer.RestoreState(OptimizerBuffers, Steps);
    }
}
