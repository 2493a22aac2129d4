using System.Globalization;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace MultiTeacher.Core.Torch;

/// <summary>
/// A known-answer check of the oneDNN kernels inside LibTorch, run once when LibTorch loads. On an AMD Zen 5 virtual
/// machine (family 26, AVX-512, no cache sizes reported to the guest) LibTorch 2.10's oneDNN gives wrong float32
/// results where PyTorch 1.13 and LibTorch's own kernels are right: a convolution whose input channels are not a
/// multiple of 16 (24, 28, …; off by ~6, and NaN at times, so it reads memory it never wrote) and an LSTM (off by
/// ~0.5). When either check disagrees with the same op in float64 (which never goes through oneDNN), oneDNN is turned
/// off (<c>at::globalContext().setUserEnabledMkldnn(false)</c>, PyTorch's <c>torch.backends.mkldnn.enabled = False</c>),
/// NNPACK too, and one line on standard error says so. <c>MT_ONEDNN=on</c> or <c>off</c> decides instead of the check.
/// </summary>
public static class OneDnnCheck
{
    /// <summary>Largest difference from float64 a float32 result of the checks may have.</summary>
    public const double Tolerance = 1e-3;

    /// <summary>Whether LibTorch's oneDNN kernels are in use (false once the check turned them off).</summary>
    public static bool Enabled { get; private set; } = true;

    /// <summary>What the check found, for reports: null when oneDNN passed or was never checked.</summary>
    public static string? Finding { get; private set; }

    /// <summary>Runs the check (LibTorch must be loaded) and turns oneDNN off when it fails or the user asks.</summary>
    internal static void Apply()
    {
        var choice = Environment.GetEnvironmentVariable("MT_ONEDNN")?.Trim().ToLowerInvariant();
        if (choice == "on")
        {
            return;
        }

        if (choice == "off")
        {
            Finding = "turned off by MT_ONEDNN=off";
            Disable();
            return;
        }

        var wrong = Mismatch();
        if (wrong is null)
        {
            return;
        }

        Finding = wrong;
        if (Disable())
        {
            Console.Error.WriteLine($"mt: LibTorch's oneDNN kernels give wrong results on this CPU ({wrong}); LibTorch's own kernels are used " +
                "instead (MT_ONEDNN=on keeps oneDNN)");
        }
        else
        {
            Console.Error.WriteLine($"mt: warning: LibTorch's oneDNN kernels give wrong results on this CPU ({wrong}) and could not be turned off");
        }
    }

    /// <summary>The first check that disagrees with float64, described; null when both agree.</summary>
    public static string? Mismatch()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var generator = new Generator(5);
        // A convolution with 24 input channels: not a multiple of oneDNN's 16-channel blocks.
        var input = rand(2, 24, 6, 6, generator: generator); // (2, 24, 6, 6)
        var weight = randn(8, 24, 3, 3, generator: generator); // (8, 24, 3, 3)
        var conv = Difference(nn.functional.conv2d(input, weight, padding: [1, 1]), ExactConvolution(input, weight));
        if (!(conv <= Tolerance))
        {
            return string.Create(CultureInfo.InvariantCulture, $"a convolution with 24 input channels is off by {conv:G3}");
        }

        var lstm = LstmDifference(generator);
        return lstm <= Tolerance ? null : string.Create(CultureInfo.InvariantCulture, $"an LSTM is off by {lstm:G3}");
    }

    /// <summary>
    /// The same 3×3 convolution (padding 1) in float64 as a product of unfolded patches: no convolution op, so neither
    /// oneDNN nor NNPACK (whose start-up prints a warning where it cannot read the CPU's caches) takes part.
    /// </summary>
    private static Tensor ExactConvolution(Tensor input, Tensor weight)
    {
        var (batch, height, width, outputs) = (input.shape[0], input.shape[2], input.shape[3], weight.shape[0]);
        var patches = nn.functional.unfold(input.to(float64), 3, padding: 1); // (B, C·9, H·W)
        return weight.to(float64).reshape(outputs, -1).matmul(patches).reshape(batch, outputs, height, width);
    }

    private static double LstmDifference(Generator generator)
    {
        // The module's initialisation draws from the global generator: put its state back, a seeded run must not see this.
        using var state = random.get_rng_state();
        using var lstm = nn.LSTM(8, 8, batchFirst: true);
        random.set_rng_state(state);
        var sequence = rand(2, 5, 8, generator: generator); // (2, 5, 8)
        var (single, _, _) = lstm.call(sequence);
        lstm.to(float64);
        var (exact, _, _) = lstm.call(sequence.to(float64));
        return Difference(single, exact);
    }

    private static double Difference(Tensor single, Tensor exact) => (single.to(float64) - exact).abs().max().item<double>();

    /// <summary>Turns oneDNN off through LibTorch's C++ entry points; false when they cannot be found.</summary>
    private static unsafe bool Disable()
    {
        var library = LoadedLibraries.Find("libtorch_cpu.so");
        if (library == IntPtr.Zero
            || !NativeLibrary.TryGetExport(library, "_ZN2at13globalContextEv", out var globalContext)
            || !NativeLibrary.TryGetExport(library, "_ZN2at7Context20setUserEnabledMkldnnEb", out var setEnabled))
        {
            return false;
        }

        var context = ((delegate* unmanaged<IntPtr>)globalContext)();
        ((delegate* unmanaged<IntPtr, byte, void>)setEnabled)(context, 0);
        // Convolutions then go to LibTorch's own kernels, which would try NNPACK first; where oneDNN failed here NNPACK
        // could not start either ("Unsupported hardware": it needs the cache sizes) and would print that for every process.
        if (NativeLibrary.TryGetExport(library, "_ZN2at7Context20setUserEnabledNNPACKEb", out var setNnpack))
        {
            ((delegate* unmanaged<IntPtr, byte, void>)setNnpack)(context, 0);
        }

        Enabled = false;
        return true;
    }
}
