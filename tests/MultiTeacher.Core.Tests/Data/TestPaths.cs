namespace MultiTeacher.Core.Tests.Data;

/// <summary>Locates committed fixtures by walking up from the test binaries to the test project's folder.</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> s_project = new(FindProject);

    public static string Fixture(string name) => Path.Combine(s_project.Value, "Data", "Fixtures", name);

    /// <summary>A golden file written by tests/pytorch/generate_golden.py.</summary>
    public static string Golden(string name) => Path.Combine(s_project.Value, "Golden", name);

    private static string FindProject()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MultiTeacher.Core.Tests.csproj")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No MultiTeacher.Core.Tests.csproj above {AppContext.BaseDirectory}.");
    }
}
