using System.Globalization;
using System.Text;
using Xunit.Sdk;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>
/// The one numeric comparison of the tests: element i passes when <c>|actual − expected| ≤ atol + rtol·|expected|</c>
/// (numpy's <c>allclose</c>); NaN passes only against NaN, ±∞ only against the same infinity. A failure names the
/// worst element (index, actual, expected, absolute and relative error) and how many elements failed.
/// Set <c>MT_CLOSE_LOG=path</c> to append every comparison's worst errors to a file (for choosing tolerances).
/// </summary>
internal static class Close
{
    private static readonly Lock s_logLock = new();

    /// <summary>Asserts that two arrays of the same length are close; <paramref name="shape"/> (optional) turns indices into coordinates.</summary>
    public static void AssertClose(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double atol, double rtol, string label,
        ReadOnlySpan<int> shape = default)
    {
        if (actual.Length != expected.Length)
        {
            throw new XunitException($"{label}: {actual.Length} elements, expected {expected.Length}");
        }

        var worst = -1;
        var worstExcess = double.NegativeInfinity;
        var failures = 0;
        double maxAbs = 0, maxRel = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            var (a, e) = ((double)actual[i], (double)expected[i]);
            var excess = Excess(a, e, atol, rtol);
            if (excess > 0)
            {
                failures++;
            }

            if (excess > worstExcess)
            {
                (worst, worstExcess) = (i, excess);
            }

            var abs = Math.Abs(a - e);
            if (!double.IsNaN(abs))
            {
                maxAbs = Math.Max(maxAbs, abs);
                maxRel = e == 0 ? maxRel : Math.Max(maxRel, abs / Math.Abs(e));
            }
        }

        Log(label, actual.Length, maxAbs, maxRel, atol, rtol);
        if (failures == 0)
        {
            return;
        }

        var (wa, we) = ((double)actual[worst], (double)expected[worst]);
        var message = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{label}: {failures} of {actual.Length} elements differ by more than atol={atol:g3} + rtol={rtol:g3}·|expected|; ")
            .Append(CultureInfo.InvariantCulture, $"worst at index {Coordinates(worst, shape)}: actual {wa:R}, expected {we:R}, ")
            .Append(CultureInfo.InvariantCulture, $"abs error {Math.Abs(wa - we):g4}, rel error {Math.Abs(wa - we) / Math.Abs(we):g4}")
            .ToString();
        throw new XunitException(message);
    }

    /// <summary>Asserts that two scalars are close.</summary>
    public static void AssertClose(double actual, double expected, double atol, double rtol, string label)
    {
        var excess = Excess(actual, expected, atol, rtol);
        var abs = Math.Abs(actual - expected);
        Log(label, 1, abs, expected == 0 ? 0 : abs / Math.Abs(expected), atol, rtol);
        if (excess > 0)
        {
            throw new XunitException(string.Create(CultureInfo.InvariantCulture,
                $"{label}: actual {actual:R}, expected {expected:R}, abs error {abs:g4}, rel error {abs / Math.Abs(expected):g4} (atol={atol:g3}, rtol={rtol:g3})"));
        }
    }

    /// <summary>How far past the tolerance an element is, in units of the tolerance (≤ 0 passes, +∞ for NaN mismatches).</summary>
    private static double Excess(double a, double e, double atol, double rtol)
    {
        if (double.IsNaN(a) || double.IsNaN(e))
        {
            return double.IsNaN(a) && double.IsNaN(e) ? 0 : double.PositiveInfinity;
        }

        if (double.IsInfinity(a) || double.IsInfinity(e))
        {
            return a == e ? 0 : double.PositiveInfinity;
        }

        var allowed = atol + rtol * Math.Abs(e);
        var abs = Math.Abs(a - e);
        return allowed > 0 ? abs / allowed - 1 : (abs > 0 ? double.PositiveInfinity : 0);
    }

    private static string Coordinates(int index, ReadOnlySpan<int> shape)
    {
        if (shape.IsEmpty)
        {
            return index.ToString(CultureInfo.InvariantCulture);
        }

        var coordinates = new int[shape.Length];
        var rest = index;
        for (var d = shape.Length - 1; d >= 0; d--)
        {
            coordinates[d] = rest % shape[d];
            rest /= shape[d];
        }

        return string.Create(CultureInfo.InvariantCulture, $"{index} [{string.Join(", ", coordinates)}]");
    }

    private static void Log(string label, int count, double maxAbs, double maxRel, double atol, double rtol)
    {
        var path = Environment.GetEnvironmentVariable("MT_CLOSE_LOG");
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        lock (s_logLock)
        {
            File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture,
                $"{label}\t{count}\tmax_abs={maxAbs:g3}\tmax_rel={maxRel:g3}\tatol={atol:g3}\trtol={rtol:g3}\n"));
        }
    }
}
