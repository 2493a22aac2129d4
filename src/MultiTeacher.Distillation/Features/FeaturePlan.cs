using MultiTeacher.Core.Losses.Features;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Teachers;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Features;

/// <summary>
/// The feature terms of a run, checked before it starts: every layer named exists (else the names that do are listed),
/// every attention pair is two convolution features, every hint pair has an adapter that joins it (else both shapes
/// are named), and entries sharing a student layer and loss agree on their weight. It tells each teacher what to send
/// (<see cref="RequestsFor"/>) and makes the student's <see cref="FeatureTerm"/>s (<see cref="CreateTerms"/>).
/// </summary>
public sealed class FeaturePlan
{
    private readonly IReadOnlyList<Group> _groups;
    private readonly IReadOnlyList<string> _teacherOrder;
    private readonly DistillationSettings _settings;

    private FeaturePlan(IReadOnlyList<Group> groups, IReadOnlyList<string> teacherOrder, DistillationSettings settings, FeatureWire wire)
    {
        _groups = groups;
        _teacherOrder = teacherOrder;
        _settings = settings;
        Wire = wire;
    }

    /// <summary>How the features travel.</summary>
    public FeatureWire Wire { get; }

    /// <summary>The terms' labels, for example <c>attention(3)</c>, in the order of the step's feature losses.</summary>
    public IReadOnlyList<string> TermLabels => _groups.Select(g => $"{FeatureLossKinds.Name(g.Kind)}({g.StudentLayer})").ToList();

    /// <summary>
    /// Checks <paramref name="specs"/> against the student and the teachers (<paramref name="teachers"/>: id and source,
    /// in ensemble order; the source only answers layer shapes, and may be null for a teacher no entry names) and makes
    /// the plan.
    /// </summary>
    /// <exception cref="UnknownLayerException">A layer does not exist; the message lists those that do.</exception>
    /// <exception cref="ShapeMismatchException">No loss or adapter joins a pair of features; the message names both shapes.</exception>
    /// <exception cref="ArgumentException">An entry names a teacher the run does not have, or one that serves no features.</exception>
    public static FeaturePlan Create(IReadOnlyList<FeatureSpec> specs, Model student, IReadOnlyList<(string Id, ILogitSource? Source)> teachers,
        DistillationSettings settings, FeatureWire? wire = null)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teachers);
        ArgumentNullException.ThrowIfNull(settings);
        var ids = teachers.Select(t => t.Id).ToList();
        var groups = new List<Group>();
        foreach (var spec in specs)
        {
            var index = ids.IndexOf(spec.Teacher);
            if (index < 0)
            {
                throw new ArgumentException($"feature entry for teacher '{spec.Teacher}': the run's teachers are {string.Join(", ", ids)}");
            }

            if (teachers[index].Source is not IFeatureSource source)
            {
                throw new ArgumentException($"feature entry for teacher '{spec.Teacher}': it serves no features (a cached teacher pass holds logits only; give the teacher's file)");
            }

            var studentShape = student.FeatureShape(spec.StudentLayer);
            var teacherShape = source.FeatureShape(spec.Layer);
            if (spec.Loss == FeatureLossKind.Attention && (studentShape.Length != 3 || teacherShape.Length != 3))
            {
                throw new ShapeMismatchException(
                    $"attention from teacher {spec.Teacher} layer {spec.Layer} {ShapeText.Format(teacherShape)} to student layer {spec.StudentLayer} {ShapeText.Format(studentShape)}: " +
                    "attention maps need convolution features (C, H, W) on both sides");
            }

            if (spec.Loss == FeatureLossKind.Hint)
            {
                using var probe = HintAdapter.Create(studentShape, teacherShape, 0); // refuses shapes no adapter joins, naming both
            }

            if (!(spec.Weight >= 0) || float.IsInfinity(spec.Weight))
            {
                throw new ArgumentOutOfRangeException(nameof(specs), spec.Weight, $"feature entry for teacher '{spec.Teacher}': weight must be finite and not negative");
            }

            var group = groups.FirstOrDefault(g => g.StudentLayer == spec.StudentLayer && g.Kind == spec.Loss);
            if (group is null)
            {
                group = new Group(spec.StudentLayer, spec.Loss, spec.Weight, spec.Power, studentShape, []);
                groups.Add(group);
            }
            else if (group.Weight != spec.Weight || group.Power != spec.Power)
            {
                throw new ArgumentException($"feature entries of student layer {spec.StudentLayer} ({FeatureLossKinds.Name(spec.Loss)}) give different weights or powers; they form one term");
            }

            if (group.Members.Any(m => m.Teacher == spec.Teacher))
            {
                throw new ArgumentException($"teacher '{spec.Teacher}' appears twice for student layer {spec.StudentLayer} ({FeatureLossKinds.Name(spec.Loss)})");
            }

            group.Members.Add(new Member(spec.Teacher, index, spec.Layer, teacherShape));
        }

        // Teacher order inside a term, so its losses are summed in the same order in every run.
        var ordered = groups.Select(g => g with { Members = [.. g.Members.OrderBy(m => m.Index)] }).ToList();
        return new FeaturePlan(ordered, ids, settings, wire ?? FeatureWire.Default);
    }

    /// <summary>What teacher <paramref name="teacherId"/> sends with each shard (empty: logits only).</summary>
    public IReadOnlyList<FeatureRequest> RequestsFor(string teacherId)
    {
        var uses = _groups.SelectMany(g => g.Members.Where(m => m.Teacher == teacherId).Select(m => (g.Kind, g.Power, m.Layer))).ToList();
        return uses.GroupBy(u => u.Layer)
            .Select(layer => new FeatureRequest(layer.Key, Wire.AttentionMaps && layer.All(u => u.Kind == FeatureLossKind.Attention), layer.First().Power))
            .ToList();
    }

    /// <summary>
    /// What teacher <paramref name="teacherId"/> sends per row: each request of <see cref="RequestsFor"/> with the shape
    /// of one row's values on the wire (the attention map's (H, W) for a map, the layer's shape otherwise).
    /// </summary>
    public IReadOnlyList<(FeatureRequest Request, int[] RowShape)> WireShapesFor(string teacherId)
    {
        var shapes = _groups.SelectMany(g => g.Members).Where(m => m.Teacher == teacherId).GroupBy(m => m.Layer).ToDictionary(l => l.Key, l => l.First().Shape);
        return RequestsFor(teacherId).Select(r => (r, r.AttentionMap ? shapes[r.Layer][1..] : shapes[r.Layer])).ToList();
    }

    /// <summary>The student's feature terms, with fresh hint adapters initialised from <paramref name="seed"/> (one generator seed per adapter).</summary>
    public IReadOnlyList<FeatureTerm> CreateTerms(ulong seed)
    {
        var adapterSeed = seed;
        return _groups.Select(g => new FeatureTerm(g.StudentLayer, g.Kind, g.Weight,
            g.Members.Select(m => new FeatureTeacher(m.Teacher, m.Layer, _settings.WeightOf(m.Index, _teacherOrder.Count),
                g.Kind == FeatureLossKind.Hint ? HintAdapter.Create(g.StudentShape, m.Shape, adapterSeed++) : null)).ToList(), g.Power)).ToList();
    }

    private sealed record Group(string StudentLayer, FeatureLossKind Kind, float Weight, double Power, int[] StudentShape, List<Member> Members);

    private sealed record Member(string Teacher, int Index, string Layer, int[] Shape);
}
