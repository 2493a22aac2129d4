namespace MultiTeacher.Configuration.Tests;

/// <summary>Shortcuts: a temporary folder with a configuration file in it, loaded with a controlled environment.</summary>
internal sealed class TestConfig : IDisposable
{
    private readonly TempDirectory _dir = new();

    public static IReadOnlyDictionary<string, string> NoEnvironment { get; } = new Dictionary<string, string>();

    public string Folder => _dir.Path;

    public static Dictionary<string, string> Env(params (string Name, string Value)[] variables) =>
        variables.ToDictionary(v => v.Name, v => v.Value);

    /// <summary>Writes <paramref name="text"/> to <paramref name="name"/> and returns its full path.</summary>
    public string File(string text, string name = "cluster.hocon") => _dir.Write(name, text);

    /// <summary>Loads <paramref name="text"/> as cluster.hocon over the built-in defaults.</summary>
    public LoadedConfiguration Load(string text, IEnumerable<string>? set = null, IReadOnlyDictionary<string, string>? environment = null) =>
        MultiTeacherConfiguration.Load(File(text), set ?? [], environment ?? NoEnvironment);

    /// <summary>What loading <paramref name="text"/> fails with.</summary>
    public InvalidConfigurationException Failure(string text, IEnumerable<string>? set = null, IReadOnlyDictionary<string, string>? environment = null) =>
        Assert.Throws<InvalidConfigurationException>(() => Load(text, set, environment));

    public void Dispose() => _dir.Dispose();
}
