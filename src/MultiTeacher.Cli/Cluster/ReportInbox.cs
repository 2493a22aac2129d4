using MultiTeacher.Actors;
using MultiTeacher.Distillation.Nodes;

namespace MultiTeacher.Cli.Cluster;

/// <summary>Collects the nodes' reports at the end of a cluster run.</summary>
internal sealed class ReportInbox
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, NodeReport> _reports = [];
    private readonly TaskCompletionSource _student = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static Props Props(ReportInbox inbox) => Actors.Props.Create(() => new Receiver(inbox));

    /// <summary>
    /// Waits for the student node's report (it has saved the student by then) and briefly for the others; returns
    /// what arrived, one report per node.
    /// </summary>
    public async Task<IReadOnlyList<NodeReport>> WaitForStudentAsync(TimeSpan timeout)
    {
        await Task.WhenAny(_student.Task, Task.Delay(timeout)).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        lock (_lock)
        {
            return _reports.Values.OrderBy(r => r.NodeId, StringComparer.Ordinal).ToList();
        }
    }

    private void Add(NodeReport report)
    {
        lock (_lock)
        {
            _reports[report.NodeId] = report;
        }

        if (report.Roles.Contains(NodeRoles.Student))
        {
            _student.TrySetResult();
        }
    }

    private sealed class Receiver : ReceiveActor
    {
        public Receiver(ReportInbox inbox) => Receive<NodeReport>(inbox.Add);
    }
}
