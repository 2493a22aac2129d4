using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;

namespace MultiTeacher.Core.Training;

/// <summary>Refuses, before any work, a model whose input size or class count does not match a dataset.</summary>
public static class DataCompatibility
{
    /// <summary>Throws <see cref="InvalidOperationException"/> naming both sides when <paramref name="architecture"/> cannot take <paramref name="dataset"/>.</summary>
    public static void Check(Architecture architecture, Dataset dataset, string modelName)
    {
        if (architecture.InputSize != dataset.Features || architecture.Classes != dataset.Classes)
        {
            throw new InvalidOperationException(
                $"{modelName} ({architecture}: {architecture.InputSize} inputs, {architecture.Classes} classes) does not match " +
                $"dataset {dataset.Name} ({dataset.Features} features per row, {dataset.Classes} classes)");
        }
    }
}
