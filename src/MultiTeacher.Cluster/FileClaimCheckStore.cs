namespace MultiTeacher.Cluster;

/// <summary>
/// A claim-check store in a directory (local, or shared by all nodes such as NFS): each payload is one file named by
/// its SHA-256, written to a temporary name first and renamed, so a reader never sees half a file.
/// </summary>
public sealed class FileClaimCheckStore : IClaimCheckStore
{
    private readonly string _directory;

    /// <summary>Creates the store (and the directory if needed).</summary>
    public FileClaimCheckStore(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        _directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(_directory);
    }

    /// <summary>The directory used when the settings name none.</summary>
    public static string DefaultDirectory => Path.Combine(Path.GetTempPath(), "multiteacher-claim-checks");

    /// <inheritdoc/>
    public async Task<string> WriteAsync(ReadOnlyMemory<byte> payload, string sha256, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sha256);
        var path = Path.Combine(_directory, sha256 + ".bin");
        if (!File.Exists(path))
        {
            var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
            await File.WriteAllBytesAsync(temporary, payload, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, path, overwrite: true);
        }
        return new Uri(path).AbsoluteUri;
    }

    /// <inheritdoc/>
    public Task<byte[]> ReadAsync(string uri, CancellationToken cancellationToken = default)
    {
        var location = new Uri(uri);
        if (!location.IsFile)
        {
            throw new NotSupportedException($"{uri} is not a file URI.");
        }
        return File.ReadAllBytesAsync(location.LocalPath, cancellationToken);
    }
}
