using System.Globalization;

namespace MultiTeacher.Cli.Cluster;

/// <summary>
/// What a node serves: its roles and, for the teacher role, which teachers of a run — by id (the file name without
/// extension) or by place (2: the run's second teacher, whatever its file); all of them when none are named.
/// </summary>
internal sealed record NodeRoles(IReadOnlySet<string> Roles, IReadOnlyList<string> Teachers, IReadOnlyList<int> Places)
{
    public const string Teacher = "teacher";
    public const string Aggregator = "aggregator";
    public const string Student = "student";
    public const string Coordinator = "coordinator";

    private static readonly string[] Known = [Teacher, Aggregator, Student, Coordinator];

    public bool Has(string role) => Roles.Contains(role);

    /// <summary>Whether this node serves the teacher with this id at this 1-based place in the run.</summary>
    public bool Serves(string teacherId, int place) => Has(Teacher) &&
        ((Teachers.Count == 0 && Places.Count == 0) || Teachers.Contains(teacherId) || Places.Contains(place));

    /// <summary>Parses <c>teacher,aggregator</c> (or <c>all</c>); an unknown role is an error naming the known ones.</summary>
    public static NodeRoles Parse(string roles, string? teachers, string? places = null)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var role in roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (role == "all")
            {
                set.UnionWith(Known);
            }
            else if (Known.Contains(role))
            {
                set.Add(role);
            }
            else
            {
                throw new ArgumentException($"unknown role '{role}'; roles are {string.Join(", ", Known)} or all");
            }
        }

        if (set.Count == 0)
        {
            throw new ArgumentException($"no roles given; roles are {string.Join(", ", Known)} or all");
        }

        var ids = teachers?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var at = new List<int>();
        foreach (var place in places?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [])
        {
            at.Add(int.TryParse(place, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new ArgumentException($"--teacher-places: '{place}' is not a place (1 for a run's first teacher, 2 for its second...)"));
        }

        return new NodeRoles(set, ids, at);
    }

    public override string ToString() => string.Join(",", Roles.Order(StringComparer.Ordinal)) +
        (Has(Teacher) && Teachers.Count > 0 ? $" (teachers {string.Join(",", Teachers)})" : "") +
        (Has(Teacher) && Places.Count > 0 ? $" (teachers at places {string.Join(",", Places)})" : "");
}
