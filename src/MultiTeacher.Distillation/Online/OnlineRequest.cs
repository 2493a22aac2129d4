using MultiTeacher.Core.Data;

namespace MultiTeacher.Distillation.Online;

/// <summary>What <c>mt online</c> runs: for each seed, the same peers trained independently and codistilled.</summary>
public sealed record OnlineRequest
{
    /// <summary>The data as four .npy files, or null for Fashion-MNIST (IDX files found from the data directory).</summary>
    public NpyDataFiles? Data { get; init; }

    /// <summary>Every peer's architecture (a cnn takes its input shape and class count from the data when it does not name them).</summary>
    public string Arch { get; init; } = "mlp:784-256-10";

    /// <summary>Settings shared by every group (the seed is replaced by each of <see cref="Seeds"/>).</summary>
    public OnlineSettings Settings { get; init; } = new();

    /// <summary>Seeds; two or more give the prediction churn between the first two.</summary>
    public IReadOnlyList<long> Seeds { get; init; } = [1, 2];

    /// <summary>Use only the first this many training rows (null: all).</summary>
    public int? TrainRows { get; init; }

    /// <summary>Use only the first this many test rows (null: all).</summary>
    public int? TestRows { get; init; }

    /// <summary>Teacher model files (safetensors, TorchScript or ONNX) that take part beside the peers in the codistilled groups.</summary>
    public IReadOnlyList<string> Teachers { get; init; } = [];

    /// <summary>Settings of teachers written in the object form, by their path in <see cref="Teachers"/>.</summary>
    public IReadOnlyDictionary<string, Core.Teachers.TeacherOptions> TeacherOptions { get; init; } = new Dictionary<string, Core.Teachers.TeacherOptions>();

    /// <summary>
    /// The training and test rows the peers use: <see cref="Data"/>, or Fashion-MNIST found from
    /// <paramref name="dataDirectory"/>, cut to <see cref="TrainRows"/> and <see cref="TestRows"/>.
    /// </summary>
    public (Dataset Train, Dataset Test) LoadData(string? dataDirectory)
    {
        var (train, test) = Data is { } files ? files.LoadSplits() : (DatasetCatalog.Load(dataDirectory, "train"), DatasetCatalog.Load(dataDirectory, "test"));
        return (train.FirstRows(TrainRows), test.FirstRows(TestRows));
    }
}
