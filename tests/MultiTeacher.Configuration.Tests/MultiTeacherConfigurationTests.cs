using static MultiTeacher.Configuration.Tests.TestConfig;

namespace MultiTeacher.Configuration.Tests;

/// <summary>The fallback chain: --set, then MT_ environment variables (and ${?VARIABLE}), then the file, then the defaults.</summary>
public sealed class MultiTeacherConfigurationTests : IDisposable
{
    private readonly TestConfig _config = new();

    public void Dispose() => _config.Dispose();

    [Fact]
    public void Load_FourLayers_EachOverridesTheOnesAfterIt()
    {
        var loaded = _config.Load("multiteacher.distill { epochs = 1, batch = 1, lr = 1 }",
            ["multiteacher.distill.epochs=3"],
            Env(("MT_MULTITEACHER__DISTILL__EPOCHS", "2"), ("MT_MULTITEACHER__DISTILL__BATCH", "2")));
        var distill = loaded.Section("multiteacher.distill");

        Assert.Equal((3, 2, 1.0, 10L), (distill.GetInt("epochs"), distill.GetInt("batch"), distill.GetDouble("lr"), distill.GetLong("seed")));
        Assert.Equal(("--set multiteacher.distill.epochs", "environment variable MT_MULTITEACHER__DISTILL__BATCH"),
            (loaded.SourceOf("multiteacher.distill.epochs"), loaded.SourceOf("multiteacher.distill.batch")));
        Assert.Equal((_config.Folder + "/cluster.hocon", MultiTeacherConfiguration.DefaultsName),
            (loaded.SourceOf("multiteacher.distill.lr"), loaded.SourceOf("multiteacher.distill.seed")));
    }

    [Fact]
    public void Load_EnvironmentVariable_MatchesTheFilesKeyIgnoringCase()
    {
        var loaded = _config.Load("multiteacher { nodeName = a }",
            environment: Env(("MT_MULTITEACHER__NODENAME", "b"), ("mt_multiteacher__THREADS", "4"), ("OTHER", "x")));

        Assert.Equal(("b", 4), (loaded.Root.GetString("multiteacher.nodeName"), loaded.Root.GetInt("multiteacher.threads")));
        Assert.False(loaded.Root.HasValue("multiteacher.NODENAME"));
        Assert.False(loaded.Root.HasValue("OTHER"));
    }

    [Fact]
    public void Load_EnvironmentVariableWithUnderscores_SetsTheDashedKey()
    {
        var loaded = _config.Load("", environment: Env(("MT_MULTITEACHER__DISTILL__SHARD_SIZE", "512")));

        Assert.Equal(512, loaded.Section("multiteacher.distill").GetInt("shard-size"));
    }

    [Fact]
    public void Load_EnvironmentVariableWithoutNesting_IsNotAnOverride()
    {
        var loaded = _config.Load("a = 1", environment: Env(("MT_HOME", "/srv/mt"), ("MT_A", "2"), ("MT_B__C", "3")));

        Assert.False(loaded.Root.HasValue("MT_HOME") || loaded.Root.HasValue("HOME") || loaded.Root.HasValue("A"));
        Assert.Equal((1, 3), (loaded.Root.GetInt("a"), loaded.Root.GetInt("B.C")));
    }

    [Fact]
    public void Load_EnvironmentVariableWithAnEmptySegment_Fails() =>
        Assert.StartsWith("environment variable MT_A____B: empty key", _config.Failure("a = 1", environment: Env(("MT_A____B", "1"))).Message,
            StringComparison.Ordinal);

    [Fact]
    public void Load_SetOverride_WinsOverTheEnvironmentAndTheLastSetWins()
    {
        var loaded = _config.Load("multiteacher.threads = 2", ["multiteacher.threads=8", "multiteacher.threads=6"],
            Env(("MT_MULTITEACHER__THREADS", "4")));

        Assert.Equal(6, loaded.Root.GetInt("multiteacher.threads"));
    }

    [Fact]
    public void Load_SetOverrides_CreateKeysAndAddressArrayElements()
    {
        var loaded = _config.Load("teachers = [a, b]\nx { y = 1 }",
            ["teachers.1=c", "teachers.2=d", "x.z.w=deep", "\"dotted.key\"=v", "x.y = spaced = value"]);

        Assert.Equal(["a", "c", "d"], loaded.Root.GetStringList("teachers"));
        Assert.Equal("deep", loaded.Root.GetString("x.z.w"));
        Assert.Equal("v", loaded.Root.GetString("\"dotted.key\""));
        Assert.Equal("spaced = value", loaded.Root.GetString("x.y"));
    }

    [Fact]
    public void Load_SetOverrideValue_IsAStringThatTypedReadsConvert()
    {
        var loaded = _config.Load("", ["multiteacher.online.seeds=3,4,5", "multiteacher.online.wait-for-peers=off"]);
        var online = loaded.Section("multiteacher.online");

        Assert.Equal([3L, 4L, 5L], online.GetList("seeds", "integers", long.Parse));
        Assert.False(online.GetBoolean("wait-for-peers"));
    }

    [Theory]
    [InlineData("threads", "--set threads: expected key.path=value")]
    [InlineData("=4", "--set =4: expected key.path=value")]
    [InlineData("a..b=1", "--set a..b=1: 'a..b' is not a key path")]
    [InlineData("teachers.5=x", "--set teachers.5: teachers is an array of 2 elements; set one element as a whole")]
    [InlineData("teachers.0.x=y", "--set teachers.0.x: teachers is an array of 2 elements; set one element as a whole")]
    public void Load_MalformedSet_FailsWithoutAResult(string set, string message)
    {
        var e = _config.Failure("teachers = [a, b]", ["teachers.0=z", set]);

        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoFile_IsTheDefaultsAndOverrides()
    {
        var loaded = MultiTeacherConfiguration.Load(null, ["multiteacher.threads=3"], NoEnvironment);

        Assert.Equal(3, loaded.Root.GetInt("multiteacher.threads"));
        Assert.Equal(15, loaded.Section("multiteacher.distill").GetInt("epochs"));
        Assert.Null(loaded.File);
    }

    [Fact]
    public void Load_FileSubstitution_SeesTheDefaults() =>
        Assert.Equal(2, _config.Load("workers = ${multiteacher.threads}").Root.GetInt("workers"));

    [Fact]
    public void Load_FileSubstitution_SeesTheFilesValueNotAnOverride()
    {
        var loaded = _config.Load("a = 1\nb = ${a}", ["a=5"]);

        Assert.Equal((5, 1), (loaded.Root.GetInt("a"), loaded.Root.GetInt("b")));
    }

    [Fact]
    public void Parse_SubstitutionInAnEarlierSource_SeesTheLaterSourcesValue()
    {
        var root = AkkaHocon.Parse([new("reference", "workers = ${threads}\nthreads = 2", "/"), new("file", "threads = 7", "/")], NoEnvironment);

        Assert.Equal("7", root.GetChildObject("workers").GetString());
    }

    [Fact]
    public void Load_OptionalEnvironmentSubstitution_TakesTheVariableWhenSet()
    {
        var loaded = _config.Load("broker {\n  uri = \"amqp://localhost\"\n  uri = ${?MT_BROKER_URI}   # from the environment\n}\nafter = 1",
            environment: Env(("MT_BROKER_URI", "amqp://u:p@host:5672/\"x\"{y}")));

        Assert.Equal("amqp://u:p@host:5672/\"x\"{y}", loaded.Root.GetString("broker.uri"));
        Assert.Equal(1, loaded.Root.GetInt("after"));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void Load_OptionalEnvironmentSubstitutionUnsetOrEmpty_KeepsTheEarlierValueOrNone(string? value)
    {
        var environment = value is null ? NoEnvironment : Env(("MT_X", value));

        var loaded = _config.Load("a = 1\na = ${?MT_X}\nb = ${?MT_X}\nmultiteacher.threads : ${?MT_X},\nc = 3", environment: environment);

        Assert.Equal((1, 2, 3), (loaded.Root.GetInt("a"), loaded.Root.GetInt("multiteacher.threads"), loaded.Root.GetInt("c")));
        Assert.False(loaded.Root.HasValue("b"));
    }

    [Theory]
    [InlineData("a = \"x\"${?MT_X}", 1, 8)]
    [InlineData("b = 1\n  list = [1, ${?MT_X}]", 2, 14)]
    [InlineData("o { a = ${?MT_X} }", 1, 9)]
    public void Load_OptionalSubstitutionNotTheWholeValue_FailsWithItsPlace(string text, int line, int column)
    {
        var e = _config.Failure(text, environment: Env(("MT_X", "1")));

        Assert.StartsWith($"{_config.Folder}/cluster.hocon:{line}:{column}: ${{?...}} is read only as the whole value of a key",
            e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_OptionalSubstitutionInQuotesOrAComment_IsLeftAsWritten()
    {
        var loaded = _config.Load("a = \"${?MT_X}\"  # b = ${?MT_X}\n// c = ${?MT_X}", environment: Env(("MT_X", "1")));

        Assert.Equal("${?MT_X}", loaded.Root.GetString("a"));
        Assert.False(loaded.Root.HasValue("b") || loaded.Root.HasValue("c"));
    }

    [Fact]
    public void Load_RequiredSubstitutionOfAnEnvironmentVariable_FailsSayingHowToReadOne()
    {
        var e = _config.Failure("home = ${HOME}", environment: Env(("HOME", "/root")));

        Assert.StartsWith($"{_config.Folder}/cluster.hocon: Unresolved substitution: HOME (no such key; Akka's HOCON reads ${{...}} "
            + "from the configuration only", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BracedRootObject_Loads() =>
        Assert.Equal(4, _config.Load("# JSON-style\n{ \"multiteacher\": { \"threads\": 4 } }\n").Root.GetInt("multiteacher.threads"));

    [Fact]
    public void Load_MissingFile_Fails()
    {
        var e = Assert.Throws<InvalidConfigurationException>(() => MultiTeacherConfiguration.Load("/nonexistent/cluster.hocon", [], NoEnvironment));

        Assert.Equal("configuration file '/nonexistent/cluster.hocon' not found", e.Message);
    }
}
