using System.Security.Cryptography;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Teachers;
using MultiTeacher.Core.Training;

namespace MultiTeacher.Distillation.Teachers;

/// <summary>
/// One teacher pass per (teacher file, split), stored as <c>.npy</c> beside the teacher file and reused for any T, α or
/// student. The cache file's name carries a digest of the teacher file, so retrained weights never meet stale logits.
/// </summary>
public static class TeacherLogitsCache
{
    /// <summary>
    /// The cache file of <paramref name="teacherPath"/> for <paramref name="dataset"/>; <paramref name="variant"/> (for
    /// example the chosen output of a model with several) is part of the digest when given.
    /// </summary>
    public static string PathFor(string teacherPath, Dataset dataset, string? variant = null)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(File.ReadAllBytes(teacherPath));
        if (!string.IsNullOrEmpty(variant))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes("\n" + variant));
        }

        var digest = Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
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

    /// <summary>
    /// The logits of a teacher of any format on <paramref name="dataset"/>: read from the cache, or computed once (every
    /// batch checked, see <see cref="TeacherProbe"/>) and stored. <paramref name="variant"/> as in <see cref="PathFor"/>.
    /// </summary>
    public static LogitTable GetOrCompute(ITeacherNetwork teacher, Dataset dataset, string? variant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(dataset);
        var path = PathFor(teacher.Path, dataset, variant);
        if (File.Exists(path))
        {
            return LogitTable.Load(path, dataset.Count, dataset.Classes);
        }

        var logits = TeacherInference.Logits(teacher, dataset, cancellationToken);
        Npy.Write(path, logits, dataset.Count, dataset.Classes);
        return new LogitTable(logits, dataset.Count, dataset.Classes);
    }
}
