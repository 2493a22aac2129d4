using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Torch;

namespace MultiTeacher.Core.Losses.Features;

/// <summary>
/// Writes the hint adapters of a run beside its student (for example <c>student.adapters.safetensors</c>), never into
/// the student's own file: the exported student stays the architecture it names. Tensors are named
/// <c>hint.{student layer}.{teacher}.{teacher layer}.weight</c> and <c>.bias</c>, PyTorch's shapes.
/// </summary>
public static class AdapterFile
{
    /// <summary>The adapters' file for a student checkpoint at <paramref name="studentPath"/>.</summary>
    public static string PathBeside(string studentPath) =>
        System.IO.Path.ChangeExtension(studentPath ?? throw new ArgumentNullException(nameof(studentPath)), ".adapters.safetensors");

    /// <summary>Writes every adapter of <paramref name="terms"/> to <paramref name="path"/> atomically; false (and nothing written) when there is none.</summary>
    public static bool Save(IReadOnlyList<FeatureTerm> terms, string path)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var tensors = new List<SafetensorsTensor>();
        foreach (var term in terms)
        {
            foreach (var teacher in term.Teachers.Where(t => t.Adapter is not null))
            {
                var name = $"hint.{term.StudentLayer}.{teacher.TeacherId}.{teacher.Layer}";
                var adapter = teacher.Adapter!;
                tensors.Add(new SafetensorsTensor(name + ".weight", Array.ConvertAll(adapter.Weight.shape, d => (int)d), TensorData.ToArray(adapter.Weight)));
                tensors.Add(new SafetensorsTensor(name + ".bias", Array.ConvertAll(adapter.Bias.shape, d => (int)d), TensorData.ToArray(adapter.Bias)));
            }
        }

        if (tensors.Count == 0)
        {
            return false;
        }

        Safetensors.Write(path, tensors, new Dictionary<string, string> { ["content"] = "hint adapters (feature distillation); not part of the student" });
        return true;
    }
}
