namespace MultiTeacher.Distillation.Experiments;

/// <summary>
/// What <c>mt demo</c> does: three teachers, one small student trained four ways (from scratch and distilled, with
/// all labels and with few), T and α picked on a validation split.
/// </summary>
public sealed record DemoPlan
{
    /// <summary>The teachers.</summary>
    public required IReadOnlyList<TeacherSpec> Teachers { get; init; }

    /// <summary>The student's architecture.</summary>
    public string Student { get; init; } = "mlp:784-64-10";

    /// <summary>The student's seed.</summary>
    public long StudentSeed { get; init; } = 10;

    /// <summary>Training rows used (null: all 60,000).</summary>
    public int? TrainRows { get; init; }

    /// <summary>Rows held out of the training set for picking T, α and the epoch kept.</summary>
    public int ValidationRows { get; init; } = 5000;

    /// <summary>Labelled rows of the few-label students.</summary>
    public int FewLabels { get; init; } = 600;

    /// <summary>Epochs of the distilled students.</summary>
    public int DistillEpochs { get; init; } = 15;

    /// <summary>Epochs per grid point.</summary>
    public int GridEpochs { get; init; } = 3;

    /// <summary>Temperatures tried.</summary>
    public IReadOnlyList<float> Temperatures { get; init; } = [1f, 2f, 4f];

    /// <summary>Values of α tried.</summary>
    public IReadOnlyList<float> Alphas { get; init; } = [0.5f, 0.9f];

    /// <summary>Most epochs of a scratch student with all labels (it stops early).</summary>
    public int ScratchMaxEpochs { get; init; } = 60;

    /// <summary>Most epochs of a scratch student with few labels (it stops early; each epoch is tiny).</summary>
    public int FewLabelScratchMaxEpochs { get; init; } = 300;

    /// <summary>Epochs without validation improvement before a scratch student stops.</summary>
    public int Patience { get; init; } = 5;

    /// <summary>The full demo on Fashion-MNIST: the three teachers, 5 epochs each.</summary>
    public static DemoPlan Full { get; } = new()
    {
        Teachers =
        [
            new TeacherSpec("mlp:784-1200-1200-10?dropout=0.2", 1, 5),
            new TeacherSpec("cnn:32-64-128", 2, 5),
            new TeacherSpec("mlp:784-800-800-10?dropout=0.2", 3, 5),
        ],
    };

    /// <summary>The same on 10,000 training rows with small teachers and one epoch: under a minute; tests use it.</summary>
    public static DemoPlan Quick { get; } = new()
    {
        Teachers =
        [
            new TeacherSpec("mlp:784-256-10", 1, 1, 10_000),
            new TeacherSpec("cnn:8-16-32", 2, 1, 10_000),
            new TeacherSpec("mlp:784-128-10?dropout=0.2", 3, 1, 10_000),
        ],
        TrainRows = 10_000,
        ValidationRows = 1000,
        DistillEpochs = 10,
        GridEpochs = 2,
        Temperatures = [1f, 4f],
        Alphas = [0.5f],
        ScratchMaxEpochs = 10,
        FewLabelScratchMaxEpochs = 60,
        Patience = 3,
    };
}
