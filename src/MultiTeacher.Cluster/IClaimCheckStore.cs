namespace MultiTeacher.Cluster;

/// <summary>
/// Keeps payloads too large for the broker; the envelope carries the returned URI with the payload's SHA-256 and
/// length, and the receiver reads it back (and verifies the hash). Every node must reach the same store.
/// </summary>
public interface IClaimCheckStore
{
    /// <summary>Stores <paramref name="payload"/> under a name derived from <paramref name="sha256"/>; returns its URI.</summary>
    Task<string> WriteAsync(ReadOnlyMemory<byte> payload, string sha256, CancellationToken cancellationToken = default);

    /// <summary>Reads the payload at <paramref name="uri"/>.</summary>
    /// <exception cref="FileNotFoundException">Nothing is stored there.</exception>
    Task<byte[]> ReadAsync(string uri, CancellationToken cancellationToken = default);
}
