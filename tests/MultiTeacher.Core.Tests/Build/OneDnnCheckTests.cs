using MultiTeacher.Core.Torch;
using static TorchSharp.torch;

namespace MultiTeacher.Core.Tests.Build;

/// <summary>
/// Once LibTorch is loaded, the ops oneDNN got wrong on a Zen 5 virtual machine agree with float64: either oneDNN is
/// right on this CPU, or the check turned it off. The second test is what failed there before the check (off by 5.9).
/// </summary>
public sealed class OneDnnCheckTests
{
    [Fact]
    public void EnsureLoaded_LeavesNoMismatchingKernelInUse()
    {
        TorchRuntime.EnsureLoaded();

        Assert.Null(OneDnnCheck.Mismatch());
        Assert.Equal(OneDnnCheck.Finding is null, OneDnnCheck.Enabled);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(28)]
    [InlineData(48)]
    public void Conv2d_InputChannelsOffOneDnnBlocks_AgreeWithFloat64(int channels)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var generator = new Generator(9);
        var input = rand(4, channels, 8, 8, generator: generator); // (4, C, 8, 8)
        var weight = randn(16, channels, 3, 3, generator: generator); // (16, C, 3, 3)

        var single = nn.functional.conv2d(input, weight, padding: [1, 1]);
        var exact = nn.functional.conv2d(input.to(float64), weight.to(float64), padding: [1, 1]);

        Assert.True((single.to(float64) - exact).abs().max().item<double>() < 1e-3, $"conv2d with {channels} input channels differs from float64");
    }
}
