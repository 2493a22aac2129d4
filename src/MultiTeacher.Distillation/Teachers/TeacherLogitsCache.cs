using System.Security.Cryptography;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Training;

namespace MultiTeacher.Distillation.Teachers;

/// <summary>
/// One teacher pass per (teacher file, split), stored as <c>.npy</c> beside the teacher file and reused for any T, α or
/// student. The cache file's name carries a digest of the teacher file, so retrained weights never meet stale logits.
/// </summary>
public static class TeacherLogitsCache
{
    /// <summary>The cache file of <paramref name="teacherPath"/> for <paramref name="dataset"/>.</summary>
    public static string PathFor(string teacherPath, Dataset dataset)
    {
        using var stream = File.OpenRead(teacherPath);
        var digest = Convert.ToHexStringLower(SHA256.HashData(stream))[..12];
        var split = new string(dataset.Name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray()).Trim('-');
        return Path.ChangeExtension(teacherPath, null) + $".{split}.{digest}.logits.npy";
    }

    /// <summary>The teacher's logits on <paramref name="dataset"/>: read from the cache, or computed once and stored.</summary>
    public static LogitTable GetOrCompute(string teacherPath, Model teacher, Dataset dataset, CancellationToken cancellationToken = default)
    {
        var path = PathFor(teacherPath, dataset);
        if (File.Exists(path))
        {
            return LogitTable.Load(path, dataset.Count, teacher.Classes);
        }

        var logits = Evaluator.Logits(teacher, dataset, cancellationToken);
        Npy.Write(path, logits, dataset.Count, teacher.Classes);
        return new LogitTable(logits, dataset.Count, teacher.Classes);
    }
}
