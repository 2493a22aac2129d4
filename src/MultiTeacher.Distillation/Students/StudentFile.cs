using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Models;

namespace MultiTeacher.Distillation.Students;

/// <summary>Where a distilled student is written: the same files whether it was trained in one process or on a cluster.</summary>
public static class StudentFile
{
    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="checkpoint"/> (safetensors with <paramref name="metadata"/>); a
    /// student defined in PyTorch (<c>file:student.pt</c>) also goes back as TorchScript, <c>student.pt</c> beside it, whose
    /// path is returned (null for our architectures).
    /// </summary>
    public static string? Save(Model model, string checkpoint, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Script is null)
        {
            ModelCheckpoint.Save(model, checkpoint, metadata);
            return null;
        }

        var torchScript = Path.Combine(Path.GetDirectoryName(checkpoint) ?? ".", "student.pt");
        model.SaveScripted(torchScript, checkpoint, metadata);
        return torchScript;
    }
}
