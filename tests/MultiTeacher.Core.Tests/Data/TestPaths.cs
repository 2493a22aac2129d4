namespace MultiTeacher.Core.Tests.Data;

/// <summary>Locates committed fixtures by walking up from the test binaries to the test project's folder.</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> s_fixtures = new(FindFixtures);

    public static string Fixture(string name) => Path.Combine(s_fixtures.Value, name);

    private static string FindFixtures()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MultiTeacher.Core.Tests.csproj")))
            {
                return Path.Combine(directory.FullName, "Data", "Fixtures");
            }
        }

        throw new DirectoryNotFoundException($"No MultiTeacher.Core.Tests.csproj above {AppContext.BaseDirectory}.");
    }
}
