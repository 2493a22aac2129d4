using MultiTeacher.Cli.Commands;

namespace MultiTeacher.Cli.Cluster;

/// <summary>What <c>mt node</c> was asked to do, after parsing.</summary>
/// <param name="Roles">The node's roles (teacher, aggregator, student, coordinator).</param>
/// <param name="Teachers">Teacher ids this node serves (teacher role); empty: every teacher of the run.</param>
/// <param name="Replicas">Replicas per served teacher and run.</param>
/// <param name="OutDirectory">The coordinator's run folder (summary.json, report.html, students/).</param>
/// <param name="Resume">Whether the coordinator goes on from the student state saved in <paramref name="OutDirectory"/>.</param>
/// <param name="DataDirectory">--data, or null.</param>
/// <param name="Live">Teacher role: run the teacher networks on each shard asked for instead of serving a cached teacher pass.</param>
/// <param name="Dashboard">--dashboard [HOST:]PORT, or null.</param>
internal sealed record NodeOptions(IReadOnlyList<string> Roles, IReadOnlyList<string> Teachers, int Replicas, string OutDirectory, bool Resume,
    string? DataDirectory, bool Live = false, string? Dashboard = null)
{
    /// <summary>The roles a node may have.</summary>
    public static readonly string[] KnownRoles = ["teacher", "aggregator", "student", "coordinator"];

    /// <summary>Whether the node runs the run (its coordinator, aggregator and student live here).</summary>
    public bool Coordinates => Roles.Contains("coordinator");

    /// <summary>Whether the node serves teachers.</summary>
    public bool ServesTeachers => Roles.Contains("teacher");

    /// <summary>Splits a comma list, dropping blanks.</summary>
    public static IReadOnlyList<string> List(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Refuses roles no node knows, naming them and the known ones.</summary>
    public static IReadOnlyList<string> CheckRoles(IReadOnlyList<string> roles)
    {
        if (roles.Count == 0)
        {
            throw new CliUsageException($"--roles needs at least one of {string.Join(", ", KnownRoles)}");
        }

        var unknown = roles.Where(r => !KnownRoles.Contains(r)).ToList();
        return unknown.Count == 0
            ? roles
            : throw new CliUsageException($"unknown role(s) {string.Join(", ", unknown)}; a node's roles are {string.Join(", ", KnownRoles)}");
    }
}
