using MultiTeacher.Distillation.Experiments;
using MultiTeacher.Distillation.Features;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Cli.Cluster;

/// <summary>
/// The feature plan of a run coordinated on this node. Its teachers run on teacher nodes, but the plan is checked here
/// before the run is announced (layer names, shapes no loss or adapter joins) and the student's hint adapters are sized
/// from the teachers' layer shapes, so the coordinator reads the feature teachers' files too (networks loaded for their
/// shapes, then released).
/// </summary>
internal static class CoordinatorFeatures
{
    public static FeaturePlan Plan(DistillRequest request, PreparedRun run, Core.Models.Model student)
    {
        var settings = request.Settings;
        var named = settings.Features.Select(f => f.Teacher).ToHashSet(StringComparer.Ordinal);
        var teachers = new List<(string Id, ILogitSource? Source)>();
        try
        {
            foreach (var teacher in run.Teachers)
            {
                if (named.Contains(teacher.Id) && !File.Exists(teacher.Path))
                {
                    throw new ArgumentException($"feature entry for teacher '{teacher.Id}': its file {teacher.Path} is not on this node; the coordinator of a " +
                        "feature run reads the feature teachers' files to check their layers and size the hint adapters");
                }

                teachers.Add((teacher.Id, named.Contains(teacher.Id)
                    ? FeatureTeacherLoader.Load(teacher.Id, teacher.Path, run.Train, request.TeacherOptions.GetValueOrDefault(teacher.Path))
                    : null));
            }

            return FeaturePlan.Create(settings.Features, student, teachers, settings, settings.FeatureWire);
        }
        finally
        {
            foreach (var (_, source) in teachers)
            {
                (source as IDisposable)?.Dispose();
            }
        }
    }
}
