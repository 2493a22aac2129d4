using System.Globalization;
using MultiTeacher.Core.Numerics;

namespace MultiTeacher.Core.Data;

/// <summary>
/// A seeded synthetic classification dataset for fast tests: every class has a random prototype in [0, 1]^Features,
/// and each sample is its class's prototype plus Gaussian noise, clipped to [0, 1]. Labels are drawn uniformly.
/// A small MLP learns it to high accuracy within an epoch or two; the same arguments give the same data on every machine.
/// </summary>
public static class SyntheticDataset
{
    /// <summary>Creates a dataset of samples with the given shape (for example [1, 8, 8]).</summary>
    /// <param name="count">Number of rows.</param>
    /// <param name="classes">Number of classes (at least 1).</param>
    /// <param name="sampleShape">Shape of one sample; its product is the feature count.</param>
    /// <param name="seed">Seed: prototypes, labels and noise all follow from it.</param>
    /// <param name="noise">Standard deviation of the noise added to the prototypes; larger is harder.</param>
    /// <param name="name">Dataset name; defaults to <c>synthetic-{classes}c-s{seed}</c>.</param>
    public static Dataset Create(int count, int classes, int[] sampleShape, long seed, float noise = 0.25f, string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        ArgumentNullException.ThrowIfNull(sampleShape);
        ArgumentOutOfRangeException.ThrowIfNegative(noise);
        if (sampleShape.Length == 0 || Array.Exists(sampleShape, d => d < 1))
        {
            throw new ArgumentException($"Every dimension of the sample shape must be positive, got [{string.Join(", ", sampleShape)}].", nameof(sampleShape));
        }

        var features = 1;
        foreach (var dimension in sampleShape)
        {
            features = checked(features * dimension);
        }

        // Separate streams, so that changing the count does not change the prototypes.
        var prototypeRng = Rng.Derive(seed, 0);
        var prototypes = new float[classes * features];
        for (var i = 0; i < prototypes.Length; i++)
        {
            prototypes[i] = prototypeRng.NextFloat();
        }

        var sampleRng = Rng.Derive(seed, 1);
        var labels = new int[count];
        var inputs = new float[checked(count * features)];
        for (var row = 0; row < count; row++)
        {
            var label = sampleRng.NextInt(classes);
            labels[row] = label;
            var prototype = prototypes.AsSpan(label * features, features);
            var sample = inputs.AsSpan(row * features, features);
            for (var j = 0; j < features; j++)
            {
                sample[j] = Math.Clamp(prototype[j] + noise * (float)sampleRng.NextGaussian(), 0f, 1f);
            }
        }

        name ??= string.Create(CultureInfo.InvariantCulture, $"synthetic-{classes}c-s{seed}");
        return new Dataset(name, inputs, labels, classes, (int[])sampleShape.Clone());
    }

    /// <summary>Creates a dataset of flat samples with <paramref name="features"/> values each.</summary>
    public static Dataset Create(int count, int classes, int features, long seed, float noise = 0.25f, string? name = null) =>
        Create(count, classes, [features], seed, noise, name);
}
