namespace MultiTeacher.Cli.Tests;

/// <summary>Files of the repository the tests run from: the folder above the test's own that holds MultiTeacher.sln.</summary>
internal static class Repository
{
    /// <summary>The repository's root folder.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The path of <paramref name="parts"/> under the root.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>A committed teacher fixture (tests/MultiTeacher.Core.Tests/Teachers/Fixtures), written by tests/pytorch scripts.</summary>
    public static string TeacherFixture(string name) => PathOf("tests", "MultiTeacher.Core.Tests", "Teachers", "Fixtures", name);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MultiTeacher.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no MultiTeacher.sln above {AppContext.BaseDirectory}");
    }
}
