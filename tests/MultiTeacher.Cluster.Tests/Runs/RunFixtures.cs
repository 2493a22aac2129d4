using MultiTeacher.Cluster.Runs;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Distillation;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Cluster.Tests.Runs;

/// <summary>A small synthetic run shared by the cluster run tests: its data, two teachers' passes and its settings.</summary>
internal static class RunFixtures
{
    public const string Arch = "mlp:32-16-4";
    public const int Classes = 4;

    /// <summary>700 rows in shards of 48: 15 shards per epoch, 30 in all.</summary>
    public const int Shards = 30;

    public static Dataset Data { get; } = SyntheticDataset.Create(700, Classes, 32, seed: 21);

    public static string[] TeacherIds { get; } = ["t0", "t1"];

    /// <summary>The teachers' passes: briefly trained models' logits, so they carry class information.</summary>
    public static LogitTable[] Teachers { get; } = [Pass(1), Pass(2)];

    /// <summary>Stand-ins for the teacher files' SHA-256s.</summary>
    public static string[] Hashes { get; } = ["0a0a", "1b1b"];

    /// <summary>A deadline far beyond the time a lost node takes to be noticed, so that no shard closes incomplete.</summary>
    public static DistillationSettings Settings { get; } = new()
    {
        Epochs = 2, BatchSize = 16, ShardSize = 48, MaxShardsInFlight = 4, ReplicaInFlight = 2, Seed = 5, Alpha = 0.7f, CheckpointEverySteps = 0,
        ShardDeadline = TimeSpan.FromSeconds(90),
    };

    public static ShardPlanner Planner { get; } = new(Data.Name, Data.Count, Settings.Seed, Settings.ShardSize);

    public static int[] Labels { get; } = Data.Labels.Select((l, i) => i % 3 == 0 ? -1 : l).ToArray();

    /// <summary>The teachers announced by a run: ids and hashes.</summary>
    public static AnnouncedTeacher[] Announced => [.. TeacherIds.Select((id, i) => new AnnouncedTeacher(id, Hashes[i]))];

    /// <summary>A request with no local teacher: all of them are served from the cluster.</summary>
    public static PipelineRequest Request(string runId, Model student) => new(runId, [], student, Data, Labels, Settings);

    /// <summary>Teacher <paramref name="index"/> as a node serves it, computed by <paramref name="source"/>.</summary>
    public static ServedTeacher Served(int index, ILogitSource source, string? sha256 = null) =>
        new(TeacherIds[index], $"/teachers/{TeacherIds[index]}.safetensors", sha256 ?? Hashes[index], source);

    private static LogitTable Pass(ulong seed)
    {
        var model = Model.Create("mlp:32-16-4", seed);
        new Core.Training.SupervisedTrainer(model, new Core.Training.TrainingOptions { Epochs = 1, BatchSize = 32, Seed = (long)seed }).Train(Data, null);
        return new LogitTable(Core.Training.Evaluator.Logits(model, Data), Data.Count, Classes);
    }
}

/// <summary>
/// A teacher pass that counts the shards it computed and takes <paramref name="delay"/> for each, so a run lasts long
/// enough to be interrupted. <see cref="Hold"/> makes later calls wait (holding their shard) until <see cref="Drop"/>,
/// after which they fail: the shards they held are never answered, as on a machine that died.
/// </summary>
internal sealed class SlowCountingSource(ILogitSource inner, TimeSpan delay) : ILogitSource
{
    private readonly ManualResetEventSlim _open = new(initialState: true);
    private int _calls;
    private int _held;
    private volatile bool _dropped;

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Calls waiting now.</summary>
    public int Held => Volatile.Read(ref _held);

    public int Classes => inner.Classes;

    public long Version => inner.Version;

    public void Hold() => _open.Reset();

    public void Drop()
    {
        _dropped = true;
        _open.Set();
    }

    public void Logits(ReadOnlySpan<int> rows, Span<float> destination)
    {
        Interlocked.Increment(ref _calls);
        Interlocked.Increment(ref _held);
        _open.Wait();
        Interlocked.Decrement(ref _held);
        if (_dropped)
        {
            throw new InvalidOperationException("this teacher's machine is gone");
        }

        Thread.Sleep(delay);
        inner.Logits(rows, destination);
    }
}
