using Akka.Actor;
using Akka.Event;

namespace MultiTeacher.Configuration.Tests;

/// <summary>The shipped configuration sends Akka's log lines to standard error, never into a command's standard output.</summary>
public sealed class StandardErrorLoggerTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ActorSystemOfTheShippedConfiguration_LogsAWarning_OnStandardErrorOnly(bool fromRepositoryFile)
    {
        var loaded = MultiTeacherConfiguration.Load(fromRepositoryFile ? ClusterHoconTests.ClusterHocon : null, [], TestConfig.NoEnvironment);
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var (oldOut, oldError) = (Console.Out, Console.Error);
        Console.SetOut(TextWriter.Synchronized(stdout));
        Console.SetError(TextWriter.Synchronized(stderr));
        try
        {
            var system = ActorSystem.Create("logs", loaded.Config);
            system.Log.Warning("a warning that names {0}", "logger-test-7f3a");
            for (var i = 0; i < 100 && !stderr.ToString().Contains("logger-test-7f3a", StringComparison.Ordinal); i++)
            {
                await Task.Delay(20);
            }

            await system.Terminate();
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }

        Assert.Contains("[WARNING]", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("a warning that names logger-test-7f3a", stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("logger-test-7f3a", stdout.ToString(), StringComparison.Ordinal);
    }
}
