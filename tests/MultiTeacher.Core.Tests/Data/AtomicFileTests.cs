using MultiTeacher.Core.Data;

namespace MultiTeacher.Core.Tests.Data;

public sealed class AtomicFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Write_NewFile_HasContentAndNoTempFileRemains()
    {
        var path = _temp.File("out.bin");

        AtomicFile.Write(path, s => s.Write([1, 2, 3]));

        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Equal(["out.bin"], _temp.Entries());
    }

    [Fact]
    public void Write_ExistingFile_Replaced()
    {
        var path = _temp.File("out.bin");
        File.WriteAllBytes(path, [9, 9, 9, 9]);

        AtomicFile.Write(path, s => s.Write([1]));

        Assert.Equal([1], File.ReadAllBytes(path));
    }

    [Fact]
    public void Write_WriterThrows_TargetUntouchedAndNoPartialFile()
    {
        var path = _temp.File("model.safetensors");
        File.WriteAllBytes(path, [7, 7]);

        var e = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[100_000]);
            throw new InvalidOperationException("boom");
        }));

        Assert.Equal("boom", e.Message);
        Assert.Equal([7, 7], File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], _temp.Entries());
    }

    [Fact]
    public void Write_WriterThrowsWithoutExistingTarget_NoFileAtAll()
    {
        var path = _temp.File("new.npy");

        Assert.Throws<IOException>(() => AtomicFile.Write(path, s =>
        {
            s.Write([1, 2, 3]);
            throw new IOException("disk full");
        }));

        Assert.Empty(_temp.Entries());
    }

    [Fact]
    public async Task WriteAsync_CancelledDuringWrite_TargetUntouchedAndNoPartialFile()
    {
        var path = _temp.File("out.bin");
        File.WriteAllBytes(path, [5]);
        using var cancellation = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => AtomicFile.WriteAsync(path, async (s, token) =>
        {
            await s.WriteAsync(new byte[1000], token);
            await cancellation.CancelAsync();
            token.ThrowIfCancellationRequested();
        }, cancellation.Token));

        Assert.Equal([5], File.ReadAllBytes(path));
        Assert.Equal(["out.bin"], _temp.Entries());
    }

    [Fact]
    public async Task WriteAsync_CancelledAfterWriterReturns_DoesNotRename()
    {
        var path = _temp.File("out.bin");
        using var cancellation = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => AtomicFile.WriteAsync(path, async (s, _) =>
        {
            await s.WriteAsync(new byte[] { 1, 2 });
            await cancellation.CancelAsync();
        }, cancellation.Token));

        Assert.Empty(_temp.Entries());
    }

    [Fact]
    public async Task WriteAsync_Completes_WritesContent()
    {
        var path = _temp.File("out.bin");

        await AtomicFile.WriteAsync(path, (s, token) => s.WriteAsync(new byte[] { 4, 2 }, token).AsTask());

        Assert.Equal([4, 2], File.ReadAllBytes(path));
    }

    [Fact]
    public void Write_MissingDirectory_NamesIt()
    {
        var path = Path.Combine(_temp.File("no-such-dir"), "out.bin");

        var e = Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.Write(path, _ => { }));

        Assert.Contains($"its directory {_temp.File("no-such-dir")} does not exist", e.Message, StringComparison.Ordinal);
    }
}
