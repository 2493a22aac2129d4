using MultiTeacher.Actors;

namespace MultiTeacher.Distillation.Online;

/// <summary>
/// Watches a group's peers and collects what they report; completes when every peer has finished or stopped.
/// </summary>
internal sealed class GroupMonitor : ReceiveActor
{
    private readonly GroupRequest _request;
    private readonly TaskCompletionSource<(List<PeerReport>, List<string>, List<string>)> _done;
    private readonly Dictionary<IActorRef, string> _peers = [];
    private readonly Dictionary<string, PeerReport> _finished = [];
    private readonly List<string> _lost = [];
    private readonly List<string> _incidents = [];

    public GroupMonitor(GroupRequest request, TaskCompletionSource<(List<PeerReport>, List<string>, List<string>)> done)
    {
        _request = request;
        _done = done;
        Receive<StartPeer>(Watch);
        Receive<PeerEpochCompleted>(e => _request.OnEpoch?.Invoke(e), e => e.RunId == _request.RunId);
        Receive<PeerIncident>(Incident, i => i.RunId == _request.RunId);
        Receive<PeerFinished>(Finished, f => f.RunId == _request.RunId);
        Receive<Terminated>(Stopped);
    }

    public static Props Props(GroupRequest request, TaskCompletionSource<(List<PeerReport>, List<string>, List<string>)> done) =>
        Actors.Props.Create(() => new GroupMonitor(request, done));

    private void Watch(StartPeer peers)
    {
        foreach (var (id, peer) in peers.Peers)
        {
            _peers[peer] = id;
            Context.Watch(peer);
        }
    }

    private void Incident(PeerIncident incident)
    {
        _incidents.Add($"{incident.PeerId}: {incident.Text}");
        _request.OnIncident?.Invoke(incident);
    }

    private void Finished(PeerFinished finished)
    {
        _finished[finished.Report.PeerId] = finished.Report;
        CheckDone();
    }

    private void Stopped(Terminated terminated)
    {
        if (_peers.Remove(terminated.ActorRef, out var id) && !_finished.ContainsKey(id))
        {
            _lost.Add(id);
            CheckDone();
        }
    }

    private void CheckDone()
    {
        var ids = _request.Ids;
        if (_finished.Count + _lost.Count == ids.Count)
        {
            _done.TrySetResult((ids.Where(_finished.ContainsKey).Select(id => _finished[id]).ToList(), _lost.ToList(), _incidents.ToList()));
        }
    }
}
