using MultiTeacher.Dashboard.Status;
using MultiTeacher.Distillation.Experiments;

namespace MultiTeacher.Cli.Dashboard;

/// <summary>
/// Passes a command's phases to the terminal's progress and to the dashboard's <see cref="StatusBoard"/>, which shows
/// the current one with its percentage (a new value only when the whole percent changes, so a phase reported per
/// shard does not flood the page).
/// </summary>
internal sealed class DashboardProgress(IRunProgress inner, StatusBoard board) : IRunProgress
{
    public IPhase Phase(string name, double total)
    {
        board.SetPhase(name);
        return new Watched(inner.Phase(name, total), board, name, total);
    }

    private sealed class Watched(IPhase inner, StatusBoard board, string name, double total) : IPhase
    {
        private int _percent = -1;

        public void Report(double done, string? detail = null)
        {
            inner.Report(done, detail);
            var percent = total > 0 ? (int)Math.Floor(100 * Math.Clamp(done / total, 0, 1)) : 0;
            if (percent != _percent)
            {
                _percent = percent;
                board.SetPhase($"{name} ({percent} %)");
            }
        }

        public void Dispose()
        {
            inner.Dispose();
            board.SetPhase(null);
        }
    }
}
