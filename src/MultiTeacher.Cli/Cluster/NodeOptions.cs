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
/// <param name="PeerGroup">--peer-group: the codistillation group this student node is a peer of, or null.</param>
/// <param name="Peer">--peer: this node's peer index K in the group.</param>
/// <param name="Peers">--peers: the group's number of peers (null: <c>multiteacher.online.peers</c>).</param>
/// <param name="Seed">--seed: the group's seed (null: the first of <c>multiteacher.online.seeds</c>).</param>
internal sealed record NodeOptions(IReadOnlyList<string> Roles, IReadOnlyList<string> Teachers, int Replicas, string OutDirectory, bool Resume,
    string? DataDirectory, bool Live = false, string? Dashboard = null, string? PeerGroup = null, int? Peer = null, int? Peers = null, long? Seed = null)
{
    /// <summary>The roles a node may have.</summary>
    public static readonly string[] KnownRoles = ["teacher", "aggregator", "student", "coordinator"];

    /// <summary>Whether the node runs the run (its coordinator, aggregator and student live here).</summary>
    public bool Coordinates => Roles.Contains("coordinator");

    /// <summary>Whether the node serves teachers.</summary>
    public bool ServesTeachers => Roles.Contains("teacher");

    /// <summary>Whether the node is a codistillation peer.</summary>
    public bool IsPeer => PeerGroup is not null;

    /// <summary>
    /// Refuses peer options that do not fit: <c>--peer</c>, <c>--peers</c> or <c>--seed</c> without <c>--peer-group</c>;
    /// a group without <c>--peer</c>, with a name other than letters, digits, '-', '_' and '.', on a node with roles
    /// other than student, or with <c>--resume</c>.
    /// </summary>
    public static void CheckPeerOptions(string? group, IReadOnlyList<string> roles, int? peer, int? peers, long? seed, string? resume)
    {
        if (group is null)
        {
            if (peer is not null || peers is not null || seed is not null)
            {
                throw new CliUsageException("--peer, --peers and --seed belong to a codistillation peer: give --peer-group NAME too");
            }

            return;
        }

        if (group.Length == 0 || !group.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new CliUsageException($"--peer-group '{group}': a group name is letters, digits, '-', '_' and '.'");
        }

        if (peer is null)
        {
            throw new CliUsageException($"--peer-group {group} needs --peer K, this node's index in the group");
        }

        if (roles.Count != 1 || roles[0] != "student")
        {
            throw new CliUsageException($"a codistillation peer (--peer-group) is a node with the role student only, got --roles {string.Join(",", roles)}");
        }

        if (resume is not null)
        {
            throw new CliUsageException("--resume goes on with a coordinator's run; a codistillation peer (--peer-group) starts from its seed");
        }
    }

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
