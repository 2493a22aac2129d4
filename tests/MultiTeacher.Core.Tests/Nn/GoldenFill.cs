using MultiTeacher.Core.Models;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>
/// The parameter values of the whole-model golden files, generated on both sides instead of stored (they would be most
/// of the files' size). Element i of the t-th state_dict tensor is
/// <c>(float32(splitmix64(1000 + t + (i + 1)·0x9E3779B97F4A7C15) &gt;&gt; 40)·2⁻²³ − 1)·float32(1/√fan_in)</c>,
/// exact in float32 except the last product, which IEEE rounds identically in numpy and .NET. See golden_fill in
/// tests/pytorch/generate_golden.py.
/// </summary>
internal static class GoldenFill
{
    public static void Fill(Model model)
    {
        var weights = new float[model.ParameterCount];
        var offset = 0;
        var fanIn = 0;
        for (var t = 0; t < model.Layout.Count; t++)
        {
            var parameter = model.Layout[t];
            if (parameter.Name.EndsWith(".weight", StringComparison.Ordinal))
            {
                fanIn = parameter.Length / parameter.Shape[0];
            }

            var bound = (float)(1.0 / Math.Sqrt(fanIn));
            for (var i = 0; i < parameter.Length; i++)
            {
                var z = unchecked((ulong)(1000 + t) + (ulong)(i + 1) * 0x9E3779B97F4A7C15UL);
                z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
                z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
                z ^= z >> 31;
                var unit = (float)(z >> 40) * (1f / (1 << 23)) - 1f;
                weights[offset + i] = unit * bound;
            }

            offset += parameter.Length;
        }

        model.SetWeights(weights);
    }
}
