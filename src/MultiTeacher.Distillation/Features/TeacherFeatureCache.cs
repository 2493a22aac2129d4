using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Teachers;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Features;

/// <summary>
/// A teacher's features over a dataset, one <c>.npy</c> per (layer, attention map or full feature), stored beside the
/// teacher file as <see cref="TeacherLogitsCache"/> stores its logits. The file's name carries a digest of the teacher
/// file, of the dataset's inputs and of the request, so retrained weights or other rows never meet stale features.
/// </summary>
public static class TeacherFeatureCache
{
    /// <summary>The cache file of <paramref name="request"/> for the teacher at <paramref name="teacherPath"/> on <paramref name="dataset"/>.</summary>
    public static string PathFor(string teacherPath, Dataset dataset, FeatureRequest request)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(request);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(File.ReadAllBytes(teacherPath));
        hash.AppendData(MemoryMarshal.AsBytes(dataset.Inputs.AsSpan()));
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"\n{dataset.Count}\n{request.Layer}\n{request.AttentionMap}\n{request.Power:R}")));
        var digest = Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
        var kind = request.AttentionMap ? string.Create(CultureInfo.InvariantCulture, $"attention-p{request.Power:R}") : "full";
        return Path.ChangeExtension(teacherPath, null) + $".{Safe(dataset.Name)}.{Safe(request.Layer)}.{kind}.{digest}.features.npy";
    }

    /// <summary>
    /// The features <paramref name="requests"/> names for every row of <paramref name="dataset"/>, in request order: read
    /// from the cache, or computed in one pass of <paramref name="network"/> for those missing and stored.
    /// </summary>
    public static IReadOnlyList<TeacherOutput> GetOrCompute(string teacherPath, IFeatureSource network, Dataset dataset, IReadOnlyList<FeatureRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(requests);
        var paths = requests.Select(r => PathFor(teacherPath, dataset, r)).ToArray();
        var tables = new TeacherOutput?[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            if (File.Exists(paths[i]))
            {
                var array = Npy.Read(paths[i]);
                tables[i] = new TeacherOutput(array.AsFloat32(), array.Shape.Select(d => (long)d).ToArray());
            }
        }

        var missing = Enumerable.Range(0, requests.Count).Where(i => tables[i] is null).ToArray();
        if (missing.Length > 0)
        {
            var rows = Enumerable.Range(0, dataset.Count).ToArray();
            var logits = new float[dataset.Count * network.Classes];
            var computed = network.LogitsAndFeatures(rows, logits, missing.Select(i => requests[i]).ToList());
            for (var m = 0; m < missing.Length; m++)
            {
                var table = computed[m];
                var temporary = paths[missing[m]] + ".partial";
                Npy.Write(temporary, table.Values, table.Shape.Select(d => checked((int)d)).ToArray());
                File.Move(temporary, paths[missing[m]], overwrite: true);
                tables[missing[m]] = table;
            }
        }

        return tables.Select(t => t!).ToList();
    }

    private static string Safe(string text) =>
        new string(text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray()).Trim('-');
}
