using Xunit;

namespace MultiTeacher.Cluster.Testing;

/// <summary>
/// One throwaway broker shared by the tests of a collection (xunit collection fixture; started once per run, killed
/// and deleted at the end). Tests keep apart by using a fresh <see cref="NewPrefix"/> each. In a test project:
/// <code>
/// [CollectionDefinition(BrokerFixture.Collection)]
/// public sealed class BrokerCollection : ICollectionFixture&lt;BrokerFixture&gt;;
///
/// [Collection(BrokerFixture.Collection)]
/// public sealed class MyTests(BrokerFixture broker) { ... }
/// </code>
/// </summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    /// <summary>The collection name to use in <c>[Collection]</c> and <c>[CollectionDefinition]</c>.</summary>
    public const string Collection = "RabbitMQ broker";

    private int _prefixes;
    private BrokerProcess? _broker;

    /// <summary>The broker.</summary>
    /// <exception cref="InvalidOperationException">Used before the fixture started.</exception>
    public BrokerProcess Broker => _broker ?? throw new InvalidOperationException("The broker fixture has not started.");

    /// <summary>Where the nodes of the tests share claim-checked payloads.</summary>
    public string ClaimCheckDirectory => Path.Combine(Broker.Directory, "claim-checks");

    /// <summary>A prefix no other test of this run uses, such as <c>t7-3f9a</c>.</summary>
    public string NewPrefix() => $"t{Interlocked.Increment(ref _prefixes)}-{Guid.NewGuid().ToString("N")[..4]}";

    /// <summary>
    /// Settings for node <paramref name="nodeId"/> on this broker under <paramref name="prefix"/>: fast heartbeats
    /// (200 ms, failure timeout 1 s), few connection attempts, the shared claim-check directory and the role "test".
    /// </summary>
    public ClusterSettings Settings(string nodeId, string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        return new ClusterSettings
        {
            Uri = Broker.Uri,
            Prefix = prefix,
            Roles = ["test"],
            HeartbeatInterval = TimeSpan.FromMilliseconds(200),
            FailureTimeout = TimeSpan.FromSeconds(1),
            ConnectAttempts = 3,
            ConnectRetryDelay = TimeSpan.FromMilliseconds(500),
            ClaimCheckDirectory = ClaimCheckDirectory,
        };
    }

    /// <inheritdoc/>
    public async Task InitializeAsync() => _broker = await BrokerProcess.StartAsync().ConfigureAwait(false);

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync().ConfigureAwait(false);
        }
    }
}
