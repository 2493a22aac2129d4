using MultiTeacher.Configuration;

namespace MultiTeacher.Cli.Commands;

/// <summary>The configuration a command runs with, for commands whose <c>--config</c> is optional.</summary>
internal static class CliConfiguration
{
    /// <summary>
    /// <paramref name="file"/>, or the repository's cluster.hocon when none is named (the built-in defaults alone when
    /// it does not exist either), under the <c>MT_</c> environment and <paramref name="setOverrides"/>.
    /// </summary>
    public static LoadedConfiguration Load(string? file = null, IEnumerable<string>? setOverrides = null)
    {
        if (file is null)
        {
            var repository = Path.Combine(RepositoryRoot.Find(), MultiTeacherConfiguration.DefaultFileName);
            file = File.Exists(repository) ? repository : null;
        }

        return MultiTeacherConfiguration.Load(file, setOverrides ?? []);
    }
}
