using MultiTeacher.Core.Models;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MultiTeacher.Core.Losses.Features;

/// <summary>
/// Attention transfer (Zagoruyko &amp; Komodakis 2017, Eq. 2, averaged over the batch; torchdistill's <c>ATLoss</c> with
/// <c>mode='paper'</c>). A convolution's feature F (B, C, H, W) has the spatial attention map
/// <c>a(F) = mean_c |F_c|^p</c> (B, H, W); the loss of a student feature toward a teacher's map is
/// <c>L = (1/B) Σ_b ‖ a_s[b]/‖a_s[b]‖₂ − a_t[b]/‖a_t[b]‖₂ ‖₂</c> over the flattened maps. When the spatial sizes differ the
/// student's map is resized to the teacher's by bilinear interpolation (align_corners = false) before flattening.
/// The authors' code uses <c>mean((â_s − â_t)²)</c> instead (torchdistill's default <c>mode='code'</c>): the same
/// minimiser, a different scale — the paper's β = 1000 belongs to that form; this form needs a weight near 1.
/// Torch ops only: autograd gives the gradient.
/// </summary>
public static class AttentionTransfer
{
    /// <summary>The power p of the paper's experiments.</summary>
    public const double DefaultPower = 2;

    /// <summary>
    /// The attention map <c>mean_c |F_c|^p</c> (B, H, W) of a feature (B, C, H, W), not normalised: what a teacher sends
    /// instead of its full feature (C times smaller).
    /// </summary>
    /// <exception cref="ShapeMismatchException">The feature is not (B, C, H, W).</exception>
    public static Tensor Map(Tensor feature, double power = DefaultPower)
    {
        ArgumentNullException.ThrowIfNull(feature);
        CheckPower(power);
        if (feature.dim() != 4)
        {
            throw new ShapeMismatchException(
                $"attention: a feature of shape {ShapeText.Format(feature.shape)} has no spatial attention map; expected (B, C, H, W) from a convolution");
        }

        using var exponent = power.ToScalar(); // explicit and alive until the op is done (see Scalars)
        var powered = power == 2 ? feature.pow(s_two) : feature.abs().pow(exponent);
        return powered.mean([1L]); // (B, H, W)
    }

    /// <summary>
    /// The loss of a student feature (B, C_s, H_s, W_s) toward a teacher's attention map (B, H_t, W_t), as
    /// <see cref="Map"/> gives it. The result is a scalar tensor.
    /// </summary>
    /// <exception cref="ShapeMismatchException">The shapes cannot be joined; the message names both.</exception>
    public static Tensor Loss(Tensor studentFeature, Tensor teacherMap, double power = DefaultPower)
    {
        ArgumentNullException.ThrowIfNull(studentFeature);
        ArgumentNullException.ThrowIfNull(teacherMap);
        var studentMap = Map(studentFeature, power); // (B, H_s, W_s)
        if (teacherMap.dim() != 3 || teacherMap.shape[0] != studentMap.shape[0])
        {
            throw new ShapeMismatchException(
                $"attention: student feature {ShapeText.Format(studentFeature.shape)} and teacher map {ShapeText.Format(teacherMap.shape)} cannot be joined; expected a teacher map (B, H, W) with B = {studentMap.shape[0]}");
        }

        var (height, width) = (teacherMap.shape[1], teacherMap.shape[2]);
        if (studentMap.shape[1] != height || studentMap.shape[2] != width)
        {
            studentMap = F.interpolate(studentMap.unsqueeze(1), size: [height, width], mode: InterpolationMode.Bilinear, align_corners: false)
                .squeeze(1); // (B, H_t, W_t)
        }

        var difference = Normalize(studentMap.flatten(1)) - Normalize(teacherMap.flatten(1)); // (B, H·W)
        return difference.pow(s_two).sum([1L]).sqrt().mean();
    }

    /// <summary><c>F.normalize(x, dim=1)</c>: each row divided by its L2 norm, at least 1e-12.</summary>
    private static Tensor Normalize(Tensor rows) => rows / rows.pow(s_two).sum([1L], keepdim: true).sqrt().clamp_min(s_smallestNorm);

    /// <summary>1e-12, as one Scalar for the life of the process (see Scalars).</summary>
    private static readonly Scalar s_smallestNorm = 1e-12.ToScalar();

    /// <summary>
    /// 2, the exponent of a square: TorchSharp's <c>square()</c> is <c>pow(2)</c> with an implicit Scalar (see Scalars),
    /// so the squares here are that op with this Scalar.
    /// </summary>
    private static readonly Scalar s_two = 2.ToScalar();

    private static void CheckPower(double power)
    {
        if (!(power > 0) || double.IsInfinity(power))
        {
            throw new ArgumentOutOfRangeException(nameof(power), power, "attention: the power p must be a positive finite number");
        }
    }
}
