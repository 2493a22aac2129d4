using MultiTeacher.Core.Data;
using MultiTeacher.Core.Teachers;

namespace MultiTeacher.Distillation.Experiments;

/// <summary>What <c>mt distill</c> runs: one student distilled from teacher files or from cached logits.</summary>
public sealed record DistillRequest
{
    /// <summary>Teacher model files (safetensors, TorchScript or ONNX, told apart by content), in combination order.</summary>
    public IReadOnlyList<string> Teachers { get; init; } = [];

    /// <summary>Settings of teachers written in the object form, by their path in <see cref="Teachers"/> (others have none).</summary>
    public IReadOnlyDictionary<string, TeacherOptions> TeacherOptions { get; init; } = new Dictionary<string, TeacherOptions>();

    /// <summary>Teacher logits (.npy, training rows × classes) made elsewhere, for example by PyTorch; used instead of teacher files.</summary>
    public IReadOnlyList<string> TeacherLogits { get; init; } = [];

    /// <summary>The data as four .npy files, or null for Fashion-MNIST (IDX files found from the data directory).</summary>
    public NpyDataFiles? Data { get; init; }

    /// <summary>The student's architecture (a cnn takes its input shape and class count from the data when it does not name them).</summary>
    public string Student { get; init; } = "mlp:784-64-10";

    /// <summary>Training rows used: the first N of the training set, or null for all (quick runs).</summary>
    public int? TrainRows { get; init; }

    /// <summary>Rows held out of the training set to pick the epoch kept.</summary>
    public int ValidationRows { get; init; } = 5000;

    /// <summary>Loss, ensemble, schedule, labels and pipeline limits.</summary>
    public DistillationSettings Settings { get; init; } = new();
}
