using System.Globalization;
using Akka.Cluster.Tools.PublishSubscribe;
using MultiTeacher.Cluster;
using MultiTeacher.Cluster.Runs;
using MultiTeacher.Core.Teachers;
using MultiTeacher.Distillation.Experiments;
using MultiTeacher.Distillation.Features;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Cli.Cluster;

/// <summary>
/// The teacher role of a node: for every run the cluster announces, it reads the run's data and teacher files on this
/// machine (inputs never travel) as the announcement's recipe says (or as this node's configuration says, for a run
/// without one), computes or loads the cached teacher passes of the teachers it serves, and offers them to the run.
/// Preparations are kept per recipe, so the next run over the same data and teachers starts at once. With
/// <c>live</c>, teacher files are not given a cached pass: their networks run on every shard as it is asked for
/// (teacher logits files are still served from the file), and a safetensors teacher's weights can be hot-swapped by a
/// checkpoint broadcast on <see cref="TeacherCheckpoints.Topic"/> (<c>mt checkpoint publish</c>). A teacher whose
/// features the run asks for serves them from the feature cache beside its file (live: from its network, shard by shard).
/// </summary>
internal sealed class TeacherRole(DistillRequest ownRequest, IReadOnlyList<string> served, string? dataDirectory, bool live, CancellationToken cancellationToken)
{
    private readonly SemaphoreSlim _one = new(1, 1);
    private readonly Dictionary<string, PreparedRun> _prepared = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<ServedTeacher>> _live = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Key, string Teacher), IFeatureSource> _featureNetworks = [];

    /// <summary>Starts the node's <see cref="TeacherHost"/> with <paramref name="replicas"/> replicas per served teacher.</summary>
    public void Start(ClusterNode node, int replicas) =>
        node.System.ActorOf(TeacherHost.Props(PrepareAsync, replicas, DistributedPubSub.Get(node.System).Mediator), "teachers");

    private Task<ServedRun> PrepareAsync(RunAnnouncement run) => Task.Run(async () =>
    {
        var recipe = run.Recipe ?? ownRequest;
        var ids = served.Count > 0 ? served : run.Teachers.Select(t => t.Id).ToList();
        var key = Key(recipe, ids);
        await _one.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_prepared.TryGetValue(key, out var prepared))
            {
                Console.Error.WriteLine($"mt node: run {run.RunId}: reading the data and teacher(s) {string.Join(", ", ids)} here");
                prepared = PreparedRun.Create(recipe, dataDirectory, SilentProgress.Instance, cancellationToken,
                    id => ids.Contains(id) && !(live && recipe.Teachers.Any(p => PreparedTeacher.IdOf(p) == id)));
                _prepared[key] = prepared;
            }

            var teachers = prepared.Teachers.Where(t => t.Train is not null)
                .Select(t => new ServedTeacher(t.Id, t.Path, ClusterRun.Sha256(t.Path), Source(key, recipe, prepared, t, run)))
                .Concat(live ? LiveTeachers(key, recipe, prepared, ids) : [])
                .ToList();
            Console.Error.WriteLine(teachers.Count == 0
                ? $"mt node: run {run.RunId} has none of the teachers this node serves ({string.Join(", ", ids)})"
                : $"mt node: run {run.RunId}: serving teacher(s) {string.Join(", ", teachers.Select(t => t.Id))}");
            return new ServedRun(teachers, prepared.Planner);
        }
        finally
        {
            _one.Release();
        }
    }, cancellationToken);

    /// <summary>
    /// The cached pass of <paramref name="teacher"/>: its logits, and when the run asks for its features, those too,
    /// read from (or computed once into) the feature cache beside its file, as <c>mt distill</c> does. The network
    /// that computes them is loaded once per preparation.
    /// </summary>
    private ILogitSource Source(string key, DistillRequest recipe, PreparedRun prepared, PreparedTeacher teacher, RunAnnouncement run)
    {
        var requests = run.Teachers.FirstOrDefault(t => t.Id == teacher.Id)?.FeatureRequests ?? [];
        if (requests.Count == 0)
        {
            return new CachedLogitSource(teacher.Train!);
        }

        if (!_featureNetworks.TryGetValue((key, teacher.Id), out var network))
        {
            network = FeatureTeacherLoader.Load(teacher.Id, teacher.Path, prepared.Train, recipe.TeacherOptions.GetValueOrDefault(teacher.Path));
            _featureNetworks[(key, teacher.Id)] = network;
        }

        Console.Error.WriteLine($"mt node: run {run.RunId}: features of teacher {teacher.Id}: {string.Join(", ", requests.Select(r => r.AttentionMap ? $"{r.Layer} (attention map)" : r.Layer))}");
        var source = new CachedFeatureSource(teacher.Path, network, prepared.Train, teacher.Train!);
        source.Prepare(requests);
        return source;
    }

    /// <summary>
    /// The recipe's teacher files among <paramref name="ids"/>, each loaded once per preparation and run on the shards'
    /// rows as they are asked for (kept with the preparation, so the next run reuses the loaded network).
    /// </summary>
    private IReadOnlyList<ServedTeacher> LiveTeachers(string key, DistillRequest recipe, PreparedRun prepared, IReadOnlyList<string> ids)
    {
        if (!_live.TryGetValue(key, out var teachers))
        {
            teachers = recipe.Teachers.Where(p => ids.Contains(PreparedTeacher.IdOf(p)))
                .Select(p => new ServedTeacher(PreparedTeacher.IdOf(p), p, ClusterRun.Sha256(p), LiveSource(p, recipe, prepared)))
                .ToList();
            _live[key] = teachers;
        }

        return teachers;
    }

    /// <summary>
    /// A teacher file run live: a safetensors teacher as a model whose weights a broadcast checkpoint can replace
    /// (<see cref="ModelLogitSource"/>, hot swap); TorchScript and ONNX networks as they are.
    /// </summary>
    private static ILogitSource LiveSource(string path, DistillRequest recipe, PreparedRun prepared)
    {
        var network = TeacherLoader.Load(path, recipe.TeacherOptions.GetValueOrDefault(path));
        return network is CheckpointTeacher checkpoint ? new ModelLogitSource(checkpoint.Model, prepared.Train) : new NetworkLogitSource(network, prepared.Train);
    }

    /// <summary>What decides the rows and teacher passes of a run: the same key, the same preparation.</summary>
    private static string Key(DistillRequest recipe, IReadOnlyList<string> ids) => string.Join("|",
        string.Join(",", recipe.Teachers), string.Join(",", recipe.TeacherLogits), string.Join(",", recipe.TeacherOptions.Select(o => $"{o.Key}={o.Value}")),
        recipe.Data?.ToString() ?? "idx", recipe.TrainRows?.ToString(CultureInfo.InvariantCulture) ?? "all",
        recipe.ValidationRows.ToString(CultureInfo.InvariantCulture), recipe.Settings.Seed.ToString(CultureInfo.InvariantCulture),
        recipe.Settings.ShardSize.ToString(CultureInfo.InvariantCulture), string.Join(",", ids));
}
