using Google.Protobuf;
using Microsoft.Extensions.Logging;
using MultiTeacher.Actors;
using MultiTeacher.Cluster.Wire;

namespace MultiTeacher.Cluster;

/// <summary>
/// Who is in the cluster, for liveness, dashboards and deadlines (never for correctness: the broker's unacknowledged
/// deliveries already say who owns what). Every node publishes a <see cref="Heartbeat"/> each heartbeat interval on
/// the fan-out exchange <c>PREFIX.membership</c> and listens to the others through a queue of its own. A peer is
/// <see cref="MemberUnreachable"/> when no heartbeat with a higher sequence number arrived for the failure timeout,
/// measured with this node's clock (remote clocks are never compared). Events go to the system's
/// <see cref="ActorSystem.EventStream"/>: <see cref="MemberUp"/>, <see cref="MemberUnreachable"/>,
/// <see cref="MemberReachable"/>, <see cref="MemberRemoved"/>.
/// </summary>
public sealed class Membership : IAsyncDisposable
{
    private static readonly string s_manifest = Heartbeat.Descriptor.FullName;

    private readonly RabbitMqTransport _transport;
    private readonly ActorSystem _system;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<string> _roles;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Peer> _peers = new(StringComparer.Ordinal);
    private ITimer? _timer;
    private long _sequence;
    private bool _silent;

    private Membership(RabbitMqTransport transport, ActorSystem system, IReadOnlyList<string> roles, TimeProvider time)
    {
        _transport = transport;
        _system = system;
        _roles = roles;
        _time = time;
        Incarnation = time.GetUtcNow().UtcTicks;
    }

    /// <summary>This node's id.</summary>
    public string NodeId => _transport.NodeId;

    /// <summary>When this node started, in ticks: a restarted node has a new incarnation.</summary>
    public long Incarnation { get; }

    /// <summary>The peers known now (not this node).</summary>
    public IReadOnlyList<MemberStatus> Members
    {
        get
        {
            lock (_gate)
            {
                return [.. _peers.Values.Select(p => new MemberStatus(p.NodeId, p.Incarnation, p.Roles, p.Reachable))];
            }
        }
    }

    /// <summary>Starts listening and heart-beating (the first heartbeat goes out at once).</summary>
    /// <param name="transport">The node's transport; its settings give the interval, timeout and roles.</param>
    /// <param name="system">Where the events are published.</param>
    /// <param name="time">The clock of the heartbeats and the failure detector; <c>null</c> for the system's.</param>
    public static async Task<Membership> StartAsync(RabbitMqTransport transport, ActorSystem system, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(system);
        var membership = new Membership(transport, system, transport.Settings.Roles, time ?? system.TimeProvider);
        await transport.SubscribeRawAsync(transport.MembershipExchange, membership.OnBodyAsync).ConfigureAwait(false);
        var interval = transport.Settings.HeartbeatInterval;
        membership._timer = membership._time.CreateTimer(_ => membership.Tick(), null, TimeSpan.Zero, interval);
        return membership;
    }

    /// <summary>Test support: stops sending heartbeats without leaving, as a hung process would.</summary>
    public void StopHeartbeats()
    {
        lock (_gate)
        {
            _silent = true;
        }
    }

    /// <summary>Says goodbye: stops heart-beating and publishes a last heartbeat marked leaving, so peers remove this node at once.</summary>
    public async Task LeaveAsync()
    {
        StopHeartbeats();
        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }
        await PublishAsync(leaving: true).ConfigureAwait(false);
    }

    /// <summary>Stops the heartbeats (without a leave message).</summary>
    public async ValueTask DisposeAsync()
    {
        StopHeartbeats();
        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Tick()
    {
        bool silent;
        lock (_gate)
        {
            silent = _silent;
        }
        if (!silent && !_transport.IsDisposed)
        {
            _ = PublishAsync(leaving: false);
        }
        DetectFailures();
    }

    private Task PublishAsync(bool leaving)
    {
        var heartbeat = new Heartbeat { NodeId = NodeId, Incarnation = Incarnation, Sequence = Interlocked.Increment(ref _sequence), Leaving = leaving };
        heartbeat.Roles.AddRange(_roles);
        var envelope = new Envelope
        {
            Version = RabbitMqTransport.EnvelopeVersion,
            MessageId = $"{NodeId}/{Incarnation}/{heartbeat.Sequence}",
            Manifest = s_manifest,
            Payload = heartbeat.ToByteString(),
            SenderNode = NodeId,
            Recipient = _transport.MembershipExchange,
            SentUnixMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        return _transport.PublishRawAsync(_transport.MembershipExchange, envelope.ToByteArray(), _transport.DeclareMembershipAsync);
    }

    private Task OnBodyAsync(byte[] body)
    {
        Heartbeat heartbeat;
        try
        {
            var envelope = Envelope.Parser.ParseFrom(body);
            if (envelope.Version != RabbitMqTransport.EnvelopeVersion || envelope.Manifest != s_manifest)
            {
                return Task.CompletedTask;
            }
            heartbeat = Heartbeat.Parser.ParseFrom(envelope.Payload);
        }
        catch (InvalidProtocolBufferException exception)
        {
            _transport.Log.LogWarning(exception, "Ignoring a malformed heartbeat");
            return Task.CompletedTask;
        }
        if (heartbeat.NodeId == NodeId && heartbeat.Incarnation == Incarnation)
        {
            return Task.CompletedTask;
        }
        foreach (var @event in Observe(heartbeat))
        {
            _system.EventStream.Publish(@event);
        }
        return Task.CompletedTask;
    }

    private List<object> Observe(Heartbeat heartbeat)
    {
        var events = new List<object>();
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            _peers.TryGetValue(heartbeat.NodeId, out var peer);
            if (peer is not null && heartbeat.Incarnation < peer.Incarnation)
            {
                return events;
            }
            if (peer is not null && heartbeat.Incarnation > peer.Incarnation)
            {
                _peers.Remove(peer.NodeId);
                events.Add(new MemberRemoved(peer.NodeId, peer.Incarnation, "restarted"));
                peer = null;
            }
            if (heartbeat.Leaving)
            {
                if (peer is not null)
                {
                    _peers.Remove(peer.NodeId);
                    events.Add(new MemberRemoved(peer.NodeId, peer.Incarnation, "left"));
                }
                return events;
            }
            if (peer is null)
            {
                peer = new Peer(heartbeat.NodeId, heartbeat.Incarnation, [.. heartbeat.Roles]) { Sequence = heartbeat.Sequence, LastHeard = now };
                _peers.Add(peer.NodeId, peer);
                events.Add(new MemberUp(peer.NodeId, peer.Incarnation, peer.Roles));
                return events;
            }
            if (heartbeat.Sequence <= peer.Sequence)
            {
                return events;
            }
            peer.Sequence = heartbeat.Sequence;
            peer.LastHeard = now;
            if (!peer.Reachable)
            {
                peer.Reachable = true;
                events.Add(new MemberReachable(peer.NodeId, peer.Incarnation));
            }
        }
        return events;
    }

    private void DetectFailures()
    {
        var events = new List<object>();
        lock (_gate)
        {
            foreach (var peer in _peers.Values)
            {
                var silentFor = _time.GetElapsedTime(peer.LastHeard);
                if (peer.Reachable && silentFor > _transport.Settings.FailureTimeout)
                {
                    peer.Reachable = false;
                    events.Add(new MemberUnreachable(peer.NodeId, peer.Incarnation, silentFor));
                }
            }
        }
        foreach (var @event in events)
        {
            _transport.Log.LogWarning("Node {NodeId} is unreachable", ((MemberUnreachable)@event).NodeId);
            _system.EventStream.Publish(@event);
        }
    }

    private sealed class Peer(string nodeId, long incarnation, IReadOnlyList<string> roles)
    {
        public string NodeId { get; } = nodeId;

        public long Incarnation { get; } = incarnation;

        public IReadOnlyList<string> Roles { get; } = roles;

        public long Sequence { get; set; }

        public long LastHeard { get; set; }

        public bool Reachable { get; set; } = true;
    }
}
