namespace MultiTeacher.Core.Data;

/// <summary>
/// Writes files so that a reader sees either the old file or the complete new one, never a partial file: the
/// content goes to a temporary file in the same directory, is flushed to disk, and is then renamed over the target.
/// If writing fails or is cancelled, the temporary file is deleted and the target is left untouched.
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="path"/> atomically. <paramref name="write"/> receives a writable stream positioned at
    /// the start of an empty temporary file; it must not dispose the stream.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The target's directory does not exist.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var (target, temp) = Prepare(path);
        try
        {
            using (var stream = OpenTemp(temp))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Writes <paramref name="path"/> atomically with an asynchronous writer. If <paramref name="cancellationToken"/>
    /// is cancelled before the rename, the target is left untouched and <see cref="OperationCanceledException"/> is thrown.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The target's directory does not exist.</exception>
    public static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var (target, temp) = Prepare(path);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stream = OpenTemp(temp);
            await using (stream.ConfigureAwait(false))
            {
                await write(stream, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            cancellationToken.ThrowIfCancellationRequested();
            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static (string Target, string Temp) Prepare(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var target = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(target) ?? throw new ArgumentException($"{path} names no file.", nameof(path));
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Cannot write {path}: its directory {directory} does not exist.");
        }

        // A dot-prefixed name in the same directory: the rename stays on one file system, and a leftover from a
        // killed process is hidden and obviously temporary.
        var temp = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        return (target, temp);
    }

    private static FileStream OpenTemp(string temp) =>
        new(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (IOException)
        {
            // The original exception matters more than a temporary file we could not remove.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
