using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using MultiTeacher.Dashboard.Status;

namespace MultiTeacher.Dashboard.Server;

/// <summary>
/// An Akka extension that starts a <see cref="StatusActor"/> in every ActorSystem created with
/// <see cref="Over"/> as its configuration: commands whose runs make ActorSystems of their own (<c>mt demo</c>
/// trains two students, each in a new system) report to one dashboard without the runners knowing it. The board is
/// found by the id in <c>multiteacher.dashboard.board</c>, so several dashboards can live in one process (tests).
/// </summary>
public sealed class DashboardExtension : ExtensionIdProvider<DashboardWatcher>
{
    private const string BoardKey = "multiteacher.dashboard.board";
    private static readonly ConcurrentDictionary<string, StatusBoard> s_boards = new();

    /// <summary>
    /// <paramref name="akka"/> with this extension added to its <c>akka.extensions</c> (the ones it lists are kept),
    /// reporting to <paramref name="board"/>.
    /// </summary>
    public static Config Over(Config akka, string boardId, StatusBoard board)
    {
        ArgumentNullException.ThrowIfNull(akka);
        s_boards[boardId] = board;
        var extensions = (akka.HasPath("akka.extensions") ? akka.GetStringList("akka.extensions") : [])
            .Append(typeof(DashboardExtension).AssemblyQualifiedName!)
            .Distinct(StringComparer.Ordinal)
            .Select(e => $"\"{e}\"");
        return ConfigurationFactory.ParseString($"""
            akka.extensions = [{string.Join(", ", extensions)}]
            {BoardKey} = "{boardId}"
            """).WithFallback(akka);
    }

    /// <summary>Forgets a board (its dashboard stopped): systems created later report nowhere.</summary>
    public static void Forget(string boardId) => s_boards.TryRemove(boardId, out _);

    /// <inheritdoc />
    public override DashboardWatcher CreateExtension(ExtendedActorSystem system)
    {
        var id = system.Settings.Config.GetString(BoardKey, "");
        if (!s_boards.TryGetValue(id, out var board))
        {
            system.Log.Warning("{0}", $"the dashboard extension is loaded but no dashboard of id '{id}' runs in this process; this system is not watched");
            return new DashboardWatcher(ActorRefs.Nobody);
        }

        return new DashboardWatcher(StatusActor.Start(system, board));
    }
}

/// <summary>The extension's value: the watcher actor of the system (Nobody when no dashboard was found).</summary>
public sealed class DashboardWatcher(IActorRef watcher) : IExtension
{
    /// <summary>The <see cref="StatusActor"/>.</summary>
    public IActorRef Watcher { get; } = watcher;
}
