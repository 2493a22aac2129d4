using System.Globalization;
using Akka.Actor;
using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Distillation.Online;

/// <summary>The exchange of checkpoints: publishing, accepting and installing them, waiting at exchange points, timeouts and lost peers.</summary>
public sealed partial class CodistillationPeer
{
    private const string WaitTimer = "wait";

    private readonly CheckpointInbox _inbox = new();
    private readonly Dictionary<string, InstalledPeer> _installed = [];
    private readonly HashSet<string> _notAwaited = [];
    private readonly Dictionary<IActorRef, string> _watched = [];
    private long _version;
    private long? _waitingFor;

    private bool Exchanging => _settings.Codistill && _setup.Hub is not null && _setup.PeerIds.Count > 1;

    /// <inheritdoc />
    protected override void PreStart()
    {
        if (Exchanging)
        {
            _setup.Hub!.Tell(new SubscribeCheckpoints(Self));
        }
    }

    private void Publish(long step, bool final)
    {
        if (_setup.Hub is null)
        {
            return;
        }

        _version++;
        var metrics = new Dictionary<string, double>
        {
            ["epoch"] = _epoch,
            ["final"] = final ? 1 : 0,
        };
        _setup.Hub.Tell(new Checkpoint(_setup.PeerId, _version, step, _step.Model.Architecture.Text, _step.Model.GetWeights(), metrics), Self);
        _sent++;
    }

    private void Accept(Checkpoint checkpoint)
    {
        if (checkpoint.ModelId == _setup.PeerId || !_setup.PeerIds.Contains(checkpoint.ModelId))
        {
            return;
        }

        if (_inbox.Offer(checkpoint) && checkpoint.Metrics.GetValueOrDefault("final") > 0)
        {
            // A finished peer publishes nothing more: waiting for it would never end.
            _notAwaited.Add(checkpoint.ModelId);
        }

        CheckWait();
    }

    private void Lost(Terminated terminated)
    {
        if (!_watched.Remove(terminated.ActorRef, out var id) || _notAwaited.Contains(id) && _inbox.Newest(id)?.Metrics.GetValueOrDefault("final") > 0)
        {
            return;
        }

        _notAwaited.Add(id);
        var held = _inbox.Newest(id);
        Incident(held is null
            ? $"peer {id} stopped before sending a checkpoint; continuing without it"
            : $"peer {id} stopped; continuing with its checkpoint of step {held.Step} (version {held.Version}) while it is at most {_settings.MaxStalenessSteps} steps old");
        CheckWait();
    }

    private void TimedOut(PeerWaitTimedOut timeout)
    {
        if (_waitingFor != timeout.Step)
        {
            return;
        }

        foreach (var id in Missing(timeout.Step))
        {
            _notAwaited.Add(id);
            var held = _inbox.Newest(id);
            Incident($"peer {id} sent no checkpoint of step {timeout.Step} within {_settings.PeerTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s; going on without waiting for it, "
                + (held is null ? "with no checkpoint of it" : $"with its last checkpoint (step {held.Step}, version {held.Version}) while it is at most {_settings.MaxStalenessSteps} steps old"));
        }

        CheckWait();
    }

    private List<string> Missing(long step) => _setup.PeerIds
        .Where(id => id != _setup.PeerId && !_notAwaited.Contains(id) && !(_inbox.Newest(id)?.Step >= step))
        .ToList();

    private void CheckWait()
    {
        if (_waitingFor is not { } step)
        {
            return;
        }

        if (Missing(step).Count > 0)
        {
            if (!Timers.IsTimerActive(WaitTimer))
            {
                Timers.StartSingleTimer(WaitTimer, new PeerWaitTimedOut(step), _settings.PeerTimeout);
            }

            return;
        }

        Timers.Cancel(WaitTimer);
        _waitingFor = null;
        Install();
        Self.Tell(TrainNext.Instance);
    }

    /// <summary>Copies the newest checkpoint held of every peer into its local model.</summary>
    private void Install()
    {
        foreach (var id in _setup.PeerIds)
        {
            if (id == _setup.PeerId || _inbox.Newest(id) is not { } checkpoint
                || (_installed.TryGetValue(id, out var held) && held.Version >= checkpoint.Version))
            {
                continue;
            }

            var model = held?.Model;
            if (model is null)
            {
                try
                {
                    model = Model.Create(checkpoint.Arch, 0);
                }
                catch (Core.Models.ArchitectureException e)
                {
                    Incident($"checkpoint of {id} names an unusable architecture: {e.Message}");
                    continue;
                }
            }

            if (checkpoint.Weights.Length != model.ParameterCount || model.Classes != _step.Model.Classes
                || model.Architecture.InputSize != _step.Model.Architecture.InputSize)
            {
                Incident($"checkpoint of {id} ({checkpoint.Arch}, {checkpoint.Weights.Length} weights) does not fit its architecture or this peer's data; not used");
                continue;
            }

            model.SetWeights(checkpoint.Weights);
            _installed[id] = new InstalledPeer(model, checkpoint.Step, checkpoint.Version);
        }
    }

    private sealed record InstalledPeer(Model Model, long Step, long Version);
}
