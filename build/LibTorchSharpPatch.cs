// Compiled twice: by MSBuild's RoslynCodeTaskFactory into the PatchLibTorchSharp task of Directory.Build.targets,
// and (with ELF_PATCH_TESTS defined, without the task class) into tests/MultiTeacher.Core.Tests.
using System.Text;
#if !ELF_PATCH_TESTS
using System;
using System.IO;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
#endif

namespace MultiTeacher.Build;

/// <summary>What <see cref="ElfVersionNeeds.MarkWeak"/> did.</summary>
public enum MarkWeakResult
{
    /// <summary>The version was required and is now weak.</summary>
    Patched,

    /// <summary>The version was already weak: nothing to do.</summary>
    AlreadyWeak,

    /// <summary>The library does not require the version.</summary>
    NotRequired,
}

/// <summary>
/// Edits the version needs (<c>.gnu.version_r</c>) of a 64-bit little-endian ELF shared library. Marking a needed
/// version weak (<c>VER_FLG_WEAK</c> in <c>vna_flags</c>) tells the dynamic loader not to refuse the library when
/// the version is missing, which is what LibTorchSharp needs on a libstdc++ older than GCC 13: it asks for
/// GLIBCXX_3.4.32 for one symbol (<c>std::ios_base_library_init</c>) that nothing calls.
/// </summary>
public static class ElfVersionNeeds
{
    /// <summary>The weak flag of an ELF version need.</summary>
    public const ushort VerFlgWeak = 0x2;

    private const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>Sets <see cref="VerFlgWeak"/> on every need of <paramref name="version"/> in <paramref name="elf"/> (in place).</summary>
    /// <exception cref="InvalidDataException">The bytes are not a 64-bit little-endian ELF file or its tables are cut short.</exception>
    public static MarkWeakResult MarkWeak(byte[] elf, string version)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file");
        }

        if (elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("not a 64-bit little-endian ELF file");
        }

        var sections = (long)U64(elf, 0x28);
        var entrySize = U16(elf, 0x3A);
        var count = U16(elf, 0x3C);
        var result = MarkWeakResult.NotRequired;
        for (var s = 0; s < count; s++)
        {
            var header = Check(elf, sections + (long)s * entrySize, 64);
            if (U32(elf, header + 4) != ShtGnuVerneed)
            {
                continue;
            }

            var offset = (long)U64(elf, header + 0x18);
            var link = U32(elf, header + 0x28);
            var needs = U32(elf, header + 0x2C);
            var strings = (long)U64(elf, Check(elf, sections + (long)link * entrySize, 64) + 0x18);
            for (var n = 0; n < needs; n++)
            {
                // Elf64_Verneed: vn_version, vn_cnt (2 bytes each), vn_file, vn_aux, vn_next (4 bytes each).
                var need = Check(elf, offset, 16);
                var auxCount = U16(elf, need + 2);
                var aux = offset + U32(elf, need + 8);
                for (var a = 0; a < auxCount; a++)
                {
                    // Elf64_Vernaux: vna_hash (4), vna_flags (2), vna_other (2), vna_name (4), vna_next (4).
                    var entry = Check(elf, aux, 16);
                    if (ReadString(elf, strings + U32(elf, entry + 8)) == version)
                    {
                        var flags = U16(elf, entry + 4);
                        if ((flags & VerFlgWeak) != 0)
                        {
                            result = result == MarkWeakResult.Patched ? result : MarkWeakResult.AlreadyWeak;
                        }
                        else
                        {
                            flags |= VerFlgWeak;
                            elf[entry + 4] = (byte)flags;
                            elf[entry + 5] = (byte)(flags >> 8);
                            result = MarkWeakResult.Patched;
                        }
                    }

                    aux += U32(elf, entry + 12);
                }

                offset += U32(elf, need + 12);
            }
        }

        return result;
    }

    /// <summary>Whether a library's bytes name <paramref name="version"/> (a libstdc++ that defines it does).</summary>
    public static bool Names(byte[] library, string version)
    {
        var pattern = Encoding.ASCII.GetBytes(version + "\0");
        for (var i = Array.IndexOf(library, pattern[0]); i >= 0 && i <= library.Length - pattern.Length; i = Array.IndexOf(library, pattern[0], i + 1))
        {
            var j = 1;
            while (j < pattern.Length && library[i + j] == pattern[j])
            {
                j++;
            }

            if (j == pattern.Length)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Marks <paramref name="version"/> weak in the library at <paramref name="path"/>. The file is never written in
    /// place: the patched bytes go to a new file that is renamed over it, so a hard link into the NuGet cache is
    /// replaced by a private copy and the cache keeps the original. The new file keeps the old one's time stamp, so an
    /// incremental build sees it as up to date and does not copy the unpatched file over it again.
    /// </summary>
    public static MarkWeakResult PatchFile(string path, string version)
    {
        var bytes = File.ReadAllBytes(path);
        var result = MarkWeak(bytes, version);
        if (result != MarkWeakResult.Patched)
        {
            return result;
        }

        // A copy (which keeps the file mode) gets the patched bytes and is renamed over the original.
        var written = File.GetLastWriteTimeUtc(path);
        var temporary = path + ".patching";
        File.Copy(path, temporary, overwrite: true);
        File.WriteAllBytes(temporary, bytes);
        File.SetLastWriteTimeUtc(temporary, written);
        File.Delete(path);
        File.Move(temporary, path);
        return result;
    }

    private static long Check(byte[] bytes, long offset, int length)
    {
        if (offset < 0 || offset + length > bytes.Length)
        {
            throw new InvalidDataException($"ELF table entry at byte {offset} runs past the end of the file ({bytes.Length} bytes)");
        }

        return offset;
    }

    private static ushort U16(byte[] b, long i) => (ushort)(b[i] | (b[i + 1] << 8));

    private static uint U32(byte[] b, long i) => (uint)(U16(b, i) | (U16(b, i + 2) << 16));

    private static ulong U64(byte[] b, long i) => U32(b, i) | ((ulong)U32(b, i + 4) << 32);

    private static string ReadString(byte[] bytes, long offset)
    {
        var end = offset < 0 || offset >= bytes.Length ? -1 : Array.IndexOf(bytes, (byte)0, (int)offset);
        if (end < 0)
        {
            throw new InvalidDataException($"ELF string at byte {offset} is not terminated");
        }

        return Encoding.ASCII.GetString(bytes, (int)offset, end - (int)offset);
    }
}

#if !ELF_PATCH_TESTS
/// <summary>
/// MSBuild task: makes the build output's libLibTorchSharp.so load on a libstdc++ without GLIBCXX_3.4.32 (Debian 12
/// ships GCC 12's). Skipped where the system's libstdc++ defines that version.
/// </summary>
public sealed class PatchLibTorchSharp : Task
{
    /// <summary>The library in the build or publish output.</summary>
    [Required]
    public string File { get; set; } = "";

    /// <summary>The version to make weak.</summary>
    public string Version { get; set; } = "GLIBCXX_3.4.32";

    /// <summary>Where the system's libstdc++ may be.</summary>
    public string[] LibStdCxx { get; set; } =
    [
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
    ];

    /// <inheritdoc />
    public override bool Execute()
    {
        foreach (var candidate in LibStdCxx)
        {
            if (System.IO.File.Exists(candidate))
            {
                if (ElfVersionNeeds.Names(System.IO.File.ReadAllBytes(candidate), Version))
                {
                    Log.LogMessage(MessageImportance.Low, $"{candidate} has {Version}: {File} is left as it is");
                    return true;
                }

                break;
            }
        }

        try
        {
            var result = ElfVersionNeeds.PatchFile(File, Version);
            Log.LogMessage(MessageImportance.Low, $"{File}: {Version} {result}");
            return true;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Log.LogError($"cannot mark {Version} weak in {File}: {e.Message}");
            return false;
        }
    }
}
#endif
