namespace MultiTeacher.Dashboard.Status;

/// <summary>
/// The newest <see cref="RunStatus"/> of a dashboard, shared between the actors that watch runs (writers) and the web
/// requests that read it. Every change bumps a version; server-sent-event streams wait for the next one. A run whose
/// id differs from the current one's moves the current one to <see cref="RunStatus.EarlierRuns"/> (a demo trains two
/// students, each in an ActorSystem of its own). Thread-safe.
/// </summary>
public sealed class StatusBoard
{
    private readonly Lock _lock = new();
    private readonly List<EarlierRun> _earlier = [];
    private RunStatus _status = RunStatus.Waiting;
    private TaskCompletionSource _changed = NewSignal();
    private string? _finishedMessage;
    private bool _finished, _failed;
    private string? _phase;

    /// <summary>Incremented at every change.</summary>
    public long Version { get; private set; }

    /// <summary>The final report's file once the command wrote it, or null.</summary>
    public string? ReportFile { get; private set; }

    /// <summary>The current snapshot, with the finished state and earlier runs applied.</summary>
    public RunStatus Current
    {
        get
        {
            lock (_lock)
            {
                return _status;
            }
        }
    }

    /// <summary>A watcher's newest snapshot of a run.</summary>
    public void Publish(RunStatus snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Change(() =>
        {
            var current = _status;
            if (current.RunId is not null && snapshot.RunId is not null && current.RunId != snapshot.RunId
                && _earlier.TrueForAll(e => e.RunId != current.RunId))
            {
                var best = current.Student.Epochs.Select(e => e.ValidationAccuracy ?? e.TestAccuracy).Where(a => a is not null).DefaultIfEmpty(null).Max();
                _earlier.Add(new EarlierRun(current.RunId, current.State, current.Shards.Trained, current.Shards.Total, best));
            }

            _status = Decorate(snapshot);
        });
    }

    /// <summary>
    /// The command is over: the page says so with <paramref name="message"/> and links <paramref name="reportFile"/>
    /// (served at <c>/report.html</c>) when one is given and exists; <paramref name="failed"/> when it ended in an error.
    /// </summary>
    public void Finish(string message, string? reportFile, bool failed = false)
    {
        Change(() =>
        {
            _finished = true;
            _failed = failed;
            _finishedMessage = message;
            ReportFile = reportFile is not null && File.Exists(reportFile) ? Path.GetFullPath(reportFile) : null;
            _status = Decorate(_status);
        });
    }

    /// <summary>The command's current phase (see <see cref="RunStatus.Phase"/>), or null when it is between phases.</summary>
    public void SetPhase(string? phase)
    {
        Change(() =>
        {
            _phase = phase;
            _status = Decorate(_status);
        });
    }

    /// <summary>Waits until <see cref="Version"/> passes <paramref name="seen"/>, and returns the new version.</summary>
    public async Task<long> WaitForChangeAsync(long seen, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task signal;
            lock (_lock)
            {
                if (Version > seen)
                {
                    return Version;
                }

                signal = _changed.Task;
            }

            await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private RunStatus Decorate(RunStatus status)
    {
        status = status with { EarlierRuns = _earlier.ToList(), Phase = _finished ? null : _phase };
        if (!_finished)
        {
            return status;
        }

        var failed = _failed || status.State == "failed";
        return status with
        {
            State = failed ? "failed" : "finished",
            Message = status.State == "failed" ? status.Message : _finishedMessage,
            EtaSeconds = failed ? null : 0,
            Report = ReportFile is null ? null : "/report.html",
        };
    }

    private void Change(Action change)
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            change();
            Version++;
            signal = _changed;
            _changed = NewSignal();
        }

        signal.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
