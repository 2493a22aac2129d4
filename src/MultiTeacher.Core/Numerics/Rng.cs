namespace MultiTeacher.Core.Numerics;

/// <summary>
/// A small seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64). Its sequence is fixed by this
/// code alone, so the same seed gives the same data order, label choice and synthetic data on every machine and
/// .NET version (weights and dropout masks come from torch generators, see <c>Model</c>) — unlike <see cref="System.Random"/>, whose algorithm is not part of its contract.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates a generator whose whole sequence is determined by <paramref name="seed"/>.</summary>
    public Rng(ulong seed)
    {
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    /// <summary>Derives an independent generator for a named purpose (for example one per epoch).</summary>
    public static Rng Derive(long seed, ulong stream) => new(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ (stream + 0x632BE59BD9B4E019UL)));

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A float uniform in [0, 1), with 24 random bits.</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>A double uniform in [0, 1), with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>An integer uniform in [0, <paramref name="bound"/>), without modulo bias (Lemire's method).</summary>
    public int NextInt(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        var threshold = (uint)-bound % (uint)bound;
        while (true)
        {
            var product = (ulong)(uint)(NextUInt64() >> 32) * (uint)bound;
            if ((uint)product >= threshold)
            {
                return (int)(product >> 32);
            }
        }
    }

    /// <summary>A standard normal sample (Box–Muller).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Shuffles <paramref name="values"/> in place (Fisher–Yates).</summary>
    public void Shuffle<T>(Span<T> values)
    {
        for (var i = values.Length - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>The identity permutation of <paramref name="count"/> rows, shuffled.</summary>
    public int[] Permutation(int count)
    {
        var permutation = new int[count];
        for (var i = 0; i < count; i++)
        {
            permutation[i] = i;
        }

        Shuffle(permutation.AsSpan());
        return permutation;
    }

    private static ulong SplitMix(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
