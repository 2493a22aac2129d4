namespace MultiTeacher.Cli.Cluster;

/// <summary>What a node serves: its roles and, for the teacher role, which teachers (all of a run's when empty).</summary>
internal sealed record NodeRoles(IReadOnlySet<string> Roles, IReadOnlyList<string> Teachers)
{
    public const string Teacher = "teacher";
    public const string Aggregator = "aggregator";
    public const string Student = "student";
    public const string Coordinator = "coordinator";

    private static readonly string[] Known = [Teacher, Aggregator, Student, Coordinator];

    public bool Has(string role) => Roles.Contains(role);

    public bool Serves(string teacherId) => Has(Teacher) && (Teachers.Count == 0 || Teachers.Contains(teacherId));

    /// <summary>Parses <c>teacher,aggregator</c> (or <c>all</c>); an unknown role is an error naming the known ones.</summary>
    public static NodeRoles Parse(string roles, string? teachers)
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
        return new NodeRoles(set, ids);
    }

    public override string ToString() => string.Join(",", Roles.Order(StringComparer.Ordinal)) +
        (Has(Teacher) && Teachers.Count > 0 ? $" (teachers {string.Join(",", Teachers)})" : "");
}
