using Akka.Actor;

namespace MultiTeacher.Distillation.Pipeline;

/// <summary>
/// The coordinator's book of work pulling: which replicas serve each teacher id, which shards (by sequence) each holds,
/// and which (shard, teacher id) work waits for a free replica. Each piece of work is with at most one replica at a
/// time; a replica holds at most its own bound. Waiting work goes out lowest sequence first (the student trains in
/// sequence order), to the replica of its id with the most free slots (the earliest registered on a tie). Not
/// thread-safe: it lives inside one actor.
/// </summary>
internal sealed class ReplicaPool
{
    private readonly IReadOnlyList<string> _teacherIds;
    private readonly Dictionary<string, SortedSet<int>> _waiting = [];
    private readonly Dictionary<string, List<Replica>> _byTeacher = [];
    private readonly Dictionary<IActorRef, Replica> _replicas = [];
    private readonly HashSet<int> _live = [];

    /// <summary>A pool for the run's teacher ids.</summary>
    public ReplicaPool(IReadOnlyList<string> teacherIds)
    {
        _teacherIds = teacherIds;
        foreach (var id in teacherIds)
        {
            _waiting[id] = [];
            _byTeacher[id] = [];
        }
    }

    /// <summary>Replicas registered and not lost.</summary>
    public int Count => _replicas.Count;

    /// <summary>Pieces of work taken from lost replicas and queued again, over the run.</summary>
    public int Requeued { get; private set; }

    /// <summary>The teacher id <paramref name="replica"/> serves, or null when it is not in the pool.</summary>
    public string? TeacherOf(IActorRef replica) => _replicas.TryGetValue(replica, out var r) ? r.TeacherId : null;

    /// <summary>
    /// Adds a replica; returns why it cannot be added, or null. <paramref name="added"/> says whether it is new. A
    /// replica already in the pool starts over (a restarted actor registers again and has lost the request it failed
    /// on): it takes the new bound, and the shards it held wait again, for any replica of its id (itself included).
    /// </summary>
    public string? Register(string teacherId, IActorRef replica, int maxInFlight, out bool added)
    {
        added = false;
        if (!_byTeacher.TryGetValue(teacherId, out var replicas))
        {
            return $"'{teacherId}' is not a teacher of this run ({(_teacherIds.Count == 0 ? "it has none" : string.Join(", ", _teacherIds))})";
        }

        if (maxInFlight < 1)
        {
            return $"a replica must take at least 1 shard at a time, got {maxInFlight}";
        }

        if (_replicas.TryGetValue(replica, out var known))
        {
            if (known.TeacherId != teacherId)
            {
                return $"this replica already serves '{known.TeacherId}'";
            }

            known.MaxInFlight = maxInFlight;
            Requeue(known);
            return null;
        }

        var entry = new Replica(replica, teacherId, maxInFlight);
        replicas.Add(entry);
        _replicas[replica] = entry;
        added = true;
        return null;
    }

    /// <summary>A new shard: its work waits for a replica of every teacher id.</summary>
    public void Enqueue(int sequence)
    {
        _live.Add(sequence);
        foreach (var waiting in _waiting.Values)
        {
            waiting.Add(sequence);
        }
    }

    /// <summary>The shard was trained: work of it that still waits is dropped, and work a lost replica held is not queued again.</summary>
    public void Forget(int sequence)
    {
        _live.Remove(sequence);
        foreach (var waiting in _waiting.Values)
        {
            waiting.Remove(sequence);
        }
    }

    /// <summary>A replica served a shard: its slot is free. Returns false when the replica did not hold it (lost, or never given).</summary>
    public bool Served(IActorRef replica, int sequence) => _replicas.TryGetValue(replica, out var r) && r.Outstanding.Remove(sequence);

    /// <summary>
    /// Takes a replica out of the pool; the shards it held that are not yet trained wait again for another replica of
    /// its id. Returns those sequences (none when the replica was not in the pool).
    /// </summary>
    public IReadOnlyList<int> Remove(IActorRef replica)
    {
        if (!_replicas.Remove(replica, out var lost))
        {
            return [];
        }

        _byTeacher[lost.TeacherId].Remove(lost);
        return Requeue(lost);
    }

    /// <summary>Hands out every piece of waiting work a replica has a free slot for, and returns the assignments made.</summary>
    public List<(IActorRef Replica, int Sequence)> Assign()
    {
        var assigned = new List<(IActorRef, int)>();
        foreach (var id in _teacherIds)
        {
            var waiting = _waiting[id];
            var replicas = _byTeacher[id];
            while (waiting.Count > 0 && MostFree(replicas) is { } replica)
            {
                var sequence = waiting.Min;
                waiting.Remove(sequence);
                replica.Outstanding.Add(sequence);
                assigned.Add((replica.Ref, sequence));
            }
        }

        return assigned;
    }

    /// <summary>Takes every shard from a replica; those not yet trained wait again. Returns their sequences.</summary>
    private List<int> Requeue(Replica replica)
    {
        var requeued = replica.Outstanding.Where(_live.Contains).Order().ToList();
        replica.Outstanding.Clear();
        _waiting[replica.TeacherId].UnionWith(requeued);
        Requeued += requeued.Count;
        return requeued;
    }

    private static Replica? MostFree(List<Replica> replicas)
    {
        Replica? best = null;
        foreach (var replica in replicas)
        {
            if (replica.Free > 0 && (best is null || replica.Free > best.Free))
            {
                best = replica;
            }
        }

        return best;
    }

    private sealed class Replica(IActorRef actor, string teacherId, int maxInFlight)
    {
        public IActorRef Ref { get; } = actor;

        public string TeacherId { get; } = teacherId;

        public int MaxInFlight { get; set; } = maxInFlight;

        /// <summary>Sequences handed to this replica and not yet served.</summary>
        public HashSet<int> Outstanding { get; } = [];

        public int Free => MaxInFlight - Outstanding.Count;
    }
}
