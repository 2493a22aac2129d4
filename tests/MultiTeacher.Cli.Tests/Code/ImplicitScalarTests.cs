namespace MultiTeacher.Cli.Tests.Code;

/// <summary>
/// No method of ours hands LibTorch a Scalar that the garbage collector may free during the call. TorchSharp 0.107
/// makes one for every number passed where a <c>Scalar</c> is expected (<c>t.div(2.0)</c>, <c>t * 0.5</c>), inside its
/// one-argument overloads (<c>add(b)</c>, <c>add_(s)</c>, <c>a + b</c> pass alpha = 1) and in methods built on them
/// (<c>square()</c> is <c>pow(2)</c>; <c>optim.Adam</c>'s step does it twice); nothing keeps it alive while LibTorch reads it, so its
/// finalizer can free it mid-op: "Unknown scalar type" or "Expected false to be true" now and then
/// (GarbageCollectionStressTests in MultiTeacher.Core.Tests makes that happen within seconds).
/// </summary>
public sealed class ImplicitScalarTests
{
    private static readonly ImplicitScalarScanner s_scanner = new(Path.Combine(AppContext.BaseDirectory, "TorchSharp.dll"));

    [Fact]
    public void OurAssemblies_CallNothingThatMakesAnImplicitScalar()
    {
        var assemblies = Directory.GetFiles(AppContext.BaseDirectory, "MultiTeacher.*.dll")
            .Where(f => !f.EndsWith(".Tests.dll", StringComparison.Ordinal)).Append(Path.Combine(AppContext.BaseDirectory, "mt.dll")).ToList();
        Assert.Equal(6, assemblies.Count); // Core, Configuration, Distillation, Cluster, Dashboard and the CLI

        // ScriptModule.call makes a Scalar only for an argument that is a number (double, float, long); ours are tensors.
        var found = assemblies.SelectMany(s_scanner.CallsIn).Where(f => !f.Contains("→ ScriptModule.call (", StringComparison.Ordinal))
            .Distinct().ToList();

        Assert.True(found.Count == 0, "calls that make an implicit TorchSharp Scalar (pass an explicit one that outlives the call; see Scalars):\n  " +
            string.Join("\n  ", found));
    }

    [Fact]
    public void Scanner_FindsTheCallsItLooksFor()
    {
        var found = s_scanner.CallsIn(typeof(Offenders).Assembly.Location).Where(f => f.StartsWith(nameof(Offenders), StringComparison.Ordinal)).ToList();

        Assert.True(found.Count == 5, string.Join("\n", found));
        Assert.Contains(found, f => f.Contains("Scalar.op_Implicit", StringComparison.Ordinal));
        Assert.Contains(found, f => f.Contains("Tensor.add_ (an implicit Scalar 1 inside)", StringComparison.Ordinal));
        Assert.Contains(found, f => f.Contains("Tensor.op_Addition", StringComparison.Ordinal));
        Assert.Contains(found, f => f.Contains("Tensor.addcdiv_", StringComparison.Ordinal));
        Assert.Contains(found, f => f.Contains("Tensor.square (calls Scalar.op_Implicit)", StringComparison.Ordinal));
    }

    /// <summary>
    /// The calls the scanner must find (never run). Not among them: a virtual call such as <c>optim.Adam.step()</c>, which
    /// the IL names by its base declaration; the scanner judges the method the IL names.
    /// </summary>
    private static class Offenders
    {
        public static void All(TorchSharp.torch.Tensor a, TorchSharp.torch.Tensor b)
        {
            _ = a.div(2.0);
            _ = a.add_(b);
            _ = a + b;
            _ = a.addcdiv_(a, b);
            _ = a.square();
        }
    }
}
