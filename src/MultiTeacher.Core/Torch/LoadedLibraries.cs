using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MultiTeacher.Core.Torch;

/// <summary>Handles of native libraries this process has loaded already (LibTorch's, for its C++ entry points).</summary>
internal static class LoadedLibraries
{
    /// <summary>The handle of the loaded library whose file is named <paramref name="name"/>; zero when none is.</summary>
    public static IntPtr Find(string name)
    {
        using var process = Process.GetCurrentProcess();
        foreach (ProcessModule module in process.Modules)
        {
            if (Path.GetFileName(module.FileName) == name && NativeLibrary.TryLoad(module.FileName, out var handle))
            {
                return handle;
            }
        }

        return IntPtr.Zero;
    }
}
