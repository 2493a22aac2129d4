namespace MultiTeacher.Cli;

/// <summary>Finds the repository root: <c>MT_HOME</c> (set by the <c>mt</c> script), else the folder above the program holding MultiTeacher.sln.</summary>
internal static class RepositoryRoot
{
    public static string Find()
    {
        var home = Environment.GetEnvironmentVariable("MT_HOME");
        if (!string.IsNullOrEmpty(home) && Directory.Exists(home))
        {
            return home;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MultiTeacher.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
