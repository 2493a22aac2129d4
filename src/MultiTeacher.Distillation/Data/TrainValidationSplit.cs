using MultiTeacher.Core.Data;
using MultiTeacher.Core.Numerics;

namespace MultiTeacher.Distillation.Data;

/// <summary>
/// A training set with a validation set held out from it (seeded), used to pick T and α and to stop early — never the
/// test set. <see cref="TrainRows"/> and <see cref="ValidationRows"/> are row indices into the original training set.
/// </summary>
public sealed class TrainValidationSplit
{
    private TrainValidationSplit(Dataset train, Dataset validation, int[] trainRows, int[] validationRows)
    {
        Train = train;
        Validation = validation;
        TrainRows = trainRows;
        ValidationRows = validationRows;
    }

    /// <summary>The rows trained on.</summary>
    public Dataset Train { get; }

    /// <summary>The held-out rows.</summary>
    public Dataset Validation { get; }

    /// <summary>Original row of each training row.</summary>
    public int[] TrainRows { get; }

    /// <summary>Original row of each validation row.</summary>
    public int[] ValidationRows { get; }

    /// <summary>Holds out <paramref name="validationRows"/> rows of <paramref name="full"/>, chosen by <paramref name="seed"/>.</summary>
    public static TrainValidationSplit Create(Dataset full, int validationRows, long seed)
    {
        if (validationRows <= 0 || validationRows >= full.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(validationRows), validationRows,
                $"the validation split must hold between 1 and {full.Count - 1} of the {full.Count} rows of {full.Name}");
        }

        var order = new Rng((ulong)seed ^ 0x5A11DUL).Permutation(full.Count);
        var validation = order[..validationRows];
        var train = order[validationRows..];
        Array.Sort(validation);
        Array.Sort(train);
        return new TrainValidationSplit(full.Subset(train), full.Subset(validation), train, validation);
    }
}
