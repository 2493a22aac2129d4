using MultiTeacher.Core.Data;
using MultiTeacher.Distillation.Online;

namespace MultiTeacher.Distillation.Tests.Online;

/// <summary>Small, fast codistillation settings on synthetic data.</summary>
internal static class PeerFixtures
{
    public const string Arch = "mlp:32-16-4";

    public static Dataset Train { get; } = SyntheticDataset.Create(640, 4, 32, seed: 5, noise: 0.6f, name: "online-train");

    public static Dataset Test { get; } = SyntheticDataset.Create(200, 4, 32, seed: 5, noise: 0.6f, name: "online-test");

    public static OnlineSettings Settings(int epochs = 3) => new()
    {
        Peers = 2,
        Epochs = epochs,
        BatchSize = 32,
        ExchangeEverySteps = 4,
        BurnInEpochs = null,
        BurnInSteps = 6,
        MaxStalenessSteps = 40,
        Temperature = 2f,
        Alpha = 0.5f,
        Seed = 3,
    };
}
