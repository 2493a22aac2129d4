using Xunit;

namespace MultiTeacher.Actors.TestKit;

/// <summary>
/// A base class for xunit tests of actors: each test gets its own <see cref="Sys"/>, disposed after the test
/// (xunit makes one instance per test). With <c>useFakeClock</c>, the system's timers and ask timeouts follow
/// <see cref="Clock"/>, which moves only when the test advances it.
/// </summary>
public abstract class TestKitBase : IAsyncLifetime
{
    private readonly FakeTimeProvider? _clock;

    /// <summary>Creates the test's actor system.</summary>
    /// <param name="useFakeClock">Drive the system's time with <see cref="Clock"/> instead of the real clock.</param>
    /// <param name="options">Further settings of the system; its clock is replaced when <paramref name="useFakeClock"/> is set.</param>
    protected TestKitBase(bool useFakeClock = false, ActorSystemOptions? options = null)
    {
        options ??= new ActorSystemOptions();
        if (useFakeClock)
        {
            _clock = new FakeTimeProvider();
            options = options with { TimeProvider = _clock };
        }
        Sys = new ActorSystem("test", options);
    }

    /// <summary>The test's actor system.</summary>
    protected ActorSystem Sys { get; }

    /// <summary>The fake clock of <see cref="Sys"/>.</summary>
    /// <exception cref="InvalidOperationException">The test kit was created without <c>useFakeClock</c>.</exception>
    protected FakeTimeProvider Clock => _clock ?? throw new InvalidOperationException("Pass useFakeClock: true to the TestKitBase constructor to drive time by hand.");

    /// <summary>How long disposal waits for the system to shut down before failing the test; 10 s by default.</summary>
    protected TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Creates a probe in <see cref="Sys"/>.</summary>
    protected TestProbe CreateTestProbe(string? name = null) => new(Sys, name);

    /// <inheritdoc/>
    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Shuts the system down; fails if an actor keeps it from stopping within <see cref="ShutdownTimeout"/>.</summary>
    public virtual async Task DisposeAsync()
    {
        try
        {
            await Sys.ShutdownAsync().WaitAsync(ShutdownTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException exception)
        {
            throw new TestKitException($"The actor system did not shut down within {ShutdownTimeout}; an actor is stuck in a handler.", exception);
        }
    }
}
