namespace MultiTeacher.Distillation.Online;

/// <summary>How the peers' training rows are chosen.</summary>
public enum Partitioning
{
    /// <summary>Peer k of K trains on the k-th of K consecutive blocks of the training rows (disjoint).</summary>
    Disjoint,

    /// <summary>Every peer trains on every row (in its own order).</summary>
    Shared,
}

/// <summary>
/// What a codistillation run does (Anil et al., 2018): K peers train at once, each on its partition; after a burn-in
/// each adds the distillation term of DESIGN.md toward the mean of its peers' tempered predictions, computed locally
/// from the newest peer checkpoints it holds.
/// </summary>
public sealed record OnlineSettings
{
    /// <summary>Number of peers K (at least 2 for codistillation; 1 is a plain run).</summary>
    public int Peers { get; init; } = 2;

    /// <summary>How the training rows are split between the peers.</summary>
    public Partitioning Partitioning { get; init; } = Partitioning.Disjoint;

    /// <summary>Every peer publishes a checkpoint every this many of its optimizer steps.</summary>
    public int ExchangeEverySteps { get; init; } = 200;

    /// <summary>Steps of plain supervised training before the distillation term starts (used when <see cref="BurnInEpochs"/> is null).</summary>
    public int BurnInSteps { get; init; }

    /// <summary>Burn-in in epochs of the peer's own partition; when set it wins over <see cref="BurnInSteps"/>.</summary>
    public double? BurnInEpochs { get; init; } = 1;

    /// <summary>
    /// A peer checkpoint is used only while <c>receiver's step − checkpoint's step ≤ MaxStalenessSteps</c>; both are
    /// counts of optimizer steps (the peers train on equal batches, so their steps advance alike).
    /// </summary>
    public int MaxStalenessSteps { get; init; } = 1000;

    /// <summary>
    /// At each exchange point a peer waits until it holds every live peer's checkpoint of that step (lockstep): the
    /// run is then reproducible bit for bit. False lets every peer use whatever it holds (asynchronous, as at scale).
    /// </summary>
    public bool WaitForPeers { get; init; } = true;

    /// <summary>How long a waiting peer waits for a silent peer before going on without it (and saying so).</summary>
    public TimeSpan PeerTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether the distillation term is used at all; false trains the same peers independently.</summary>
    public bool Codistill { get; init; } = true;

    /// <summary>Temperature T.</summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Weight α of the distillation term.</summary>
    public float Alpha { get; init; } = 0.5f;

    /// <summary>Epochs over each peer's partition.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Mini-batch size.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Learning rate (Adam).</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Seed of the peers' weights and data order (peer k derives its own from it).</summary>
    public long Seed { get; init; } = 1;

    /// <summary>The burn-in in steps for a peer with <paramref name="stepsPerEpoch"/> steps per epoch.</summary>
    public int BurnInStepsFor(int stepsPerEpoch) =>
        BurnInEpochs is { } epochs ? (int)Math.Round(epochs * stepsPerEpoch, MidpointRounding.AwayFromZero) : BurnInSteps;

    /// <summary>Checks the values, naming the first that is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Peers, nameof(Peers));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ExchangeEverySteps, nameof(ExchangeEverySteps));
        ArgumentOutOfRangeException.ThrowIfNegative(BurnInSteps, nameof(BurnInSteps));
        if (BurnInEpochs is { } b && !(b >= 0 && double.IsFinite(b)))
        {
            throw new ArgumentOutOfRangeException(nameof(BurnInEpochs), b, "burn-in must be a finite number of epochs, not negative");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(MaxStalenessSteps, nameof(MaxStalenessSteps));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PeerTimeout, TimeSpan.Zero, nameof(PeerTimeout));
        if (!(Temperature > 0) || float.IsInfinity(Temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "temperature must be a positive finite number");
        }

        if (!(Alpha >= 0 && Alpha <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "alpha must be in [0, 1]");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Epochs, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize, nameof(BatchSize));
        if (!(LearningRate > 0) || float.IsInfinity(LearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "learning rate must be a positive finite number");
        }
    }
}
