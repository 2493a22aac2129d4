using Akka.Actor;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Distillation.Online;

/// <summary>
/// One group of peers in one process: the parent of the checkpoint hub and of one <see cref="CodistillationPeer"/> per
/// peer. It watches the peers, passes their epochs and incidents on, and once every peer has finished or stopped it
/// gathers the hub's counters and then the peers' final reports (in that order, so that every checkpoint the hub
/// forwarded is counted), and completes the run.
/// A peer that throws has lost its place in training; a restart would start over with half-trained weights. The
/// supervision strategy stops it instead (Akka logs the error): this monitor and the other peers see it stop and go
/// on without it.
/// </summary>
internal sealed class GroupMonitor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan s_statsTimeout = TimeSpan.FromSeconds(30);
    private readonly GroupRequest _request;
    private readonly TaskCompletionSource<GroupResult> _done;
    private readonly IActorRef _hub;
    private readonly Dictionary<string, IActorRef> _peers = [];
    private readonly Dictionary<IActorRef, string> _live = [];
    private readonly Dictionary<string, PeerReport> _finished = [];
    private readonly List<string> _lost = [];
    private readonly List<string> _incidents = [];
    private readonly List<PeerReport> _reports = [];
    private HubStats? _hubStats;

    public GroupMonitor(GroupRequest request, TaskCompletionSource<GroupResult> done)
    {
        _request = request;
        _done = done;
        _hub = Context.ActorOf(CheckpointHub.Props(), "checkpoints");
        var ids = request.Ids;
        for (var k = 0; k < ids.Count; k++)
        {
            var setup = PeerSetup.ForGroup(request, k, _hub, Self);
            var peer = Context.ActorOf(CodistillationPeer.Props(setup), $"peer-{k}");
            _peers[ids[k]] = peer;
            _live[peer] = ids[k];
            Context.Watch(peer);
        }

        Receive<PeerEpochCompleted>(e => Callback(() => _request.OnEpoch?.Invoke(e)), e => e.RunId == _request.RunId);
        Receive<PeerIncident>(Incident, i => i.RunId == _request.RunId);
        Receive<PeerFinished>(Finished, f => f.RunId == _request.RunId);
        Receive<Terminated>(Stopped);
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props of a group. Local only: the request holds the caller's data and callbacks (<see cref="Deploy.Local"/>).</summary>
    public static Props Props(GroupRequest request, TaskCompletionSource<GroupResult> done) =>
        Akka.Actor.Props.Create(() => new GroupMonitor(request, done)).WithDeploy(Deploy.Local);

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(Decider.From(Directive.Stop));

    /// <inheritdoc />
    protected override void PreStart()
    {
        var start = new StartPeer(_peers);
        foreach (var peer in _peers.Values)
        {
            peer.Tell(start);
        }
    }

    /// <inheritdoc />
    protected override void PostStop() => _done.TrySetException(new InvalidOperationException("the group was stopped before it finished"));

    private void Incident(PeerIncident incident)
    {
        _incidents.Add($"{incident.PeerId}: {incident.Text}");
        Callback(() => _request.OnIncident?.Invoke(incident));
    }

    private void Finished(PeerFinished finished)
    {
        _finished[finished.Report.PeerId] = finished.Report;
        CheckDone();
    }

    private void Stopped(Terminated terminated)
    {
        if (_live.Remove(terminated.ActorRef, out var id) && !_finished.ContainsKey(id))
        {
            _lost.Add(id);
            CheckDone();
        }
    }

    private void CheckDone()
    {
        if (_finished.Count + _lost.Count < _request.Ids.Count)
        {
            return;
        }

        Become(Gathering);
        _hub.Tell(GetStats.Instance);
        Timers.StartSingleTimer("stats", StatsTimedOut.Instance, s_statsTimeout);
    }

    private void Gathering()
    {
        Receive<HubStats>(stats =>
        {
            _hubStats = stats;
            AskNextPeer();
        });
        Receive<PeerReport>(report =>
        {
            _reports.Add(report);
            AskNextPeer();
        });
        Receive<Terminated>(_ => { });
        Receive<StatsTimedOut>(_ => _done.TrySetException(new InvalidOperationException(
            $"the group finished but did not report its counters within {s_statsTimeout.TotalSeconds} s")));
    }

    /// <summary>Asks the finished peers for their reports one after the other, in peer order; completes after the last.</summary>
    private void AskNextPeer()
    {
        var finished = _request.Ids.Where(_finished.ContainsKey).ToList();
        if (_reports.Count < finished.Count)
        {
            _peers[finished[_reports.Count]].Tell(GetStats.Instance);
            return;
        }

        Timers.Cancel("stats");
        _done.TrySetResult(new GroupResult(_reports.ToList(), _lost.ToList(), _incidents.ToList(), _hubStats!, TimeSpan.Zero));
    }

    /// <summary>Runs a caller's callback; one that throws fails the group instead of this actor.</summary>
    private void Callback(Action callback)
    {
        try
        {
            callback();
        }
        catch (Exception e)
        {
            _done.TrySetException(e);
        }
    }

    private sealed record StatsTimedOut
    {
        public static StatsTimedOut Instance { get; } = new();
    }
}
