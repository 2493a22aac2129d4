using TorchSharp;

namespace MultiTeacher.Core.Torch;

/// <summary>
/// Numbers for torch ops as <see cref="Scalar"/>s that live as long as the process. TorchSharp turns a plain number
/// (and the implicit <c>alpha = 1</c> of <c>a + b</c> and <c>add(b)</c>) into a Scalar that no dispose scope
/// tracks and nothing keeps alive during the native call, so the garbage collector's finalizer may free it while LibTorch
/// reads it: tests failed at times with "Unknown scalar type" or "Expected false to be true" from c10::Scalar (the last
/// caller was TorchSharp's own Adam, which the hint adapters no longer use: see Optimizer).
/// Constant numbers are Scalars made once (here, or fields of the object that uses them); numbers that change are
/// explicit Scalars in a <c>using</c> declaration.
/// </summary>
public static class Scalars
{
    /// <summary>1, the alpha of a plain sum: <c>a.add(b, Scalars.One)</c> instead of <c>a + b</c>.</summary>
    public static Scalar One { get; } = 1.ToScalar();
}
