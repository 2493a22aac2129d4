using MultiTeacher.Distillation.Online;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Distillation.Tests.Online;

public sealed class CheckpointInboxTests
{
    [Fact]
    public void Offer_VersionsInAnyOrder_HeldVersionOnlyGrowsAndOlderAreIgnored()
    {
        var inbox = new CheckpointInbox();
        var held = new List<long>();

        foreach (var version in new long[] { 2, 1, 5, 5, 3, 7, 6 })
        {
            inbox.Offer(Make("a", version));
            held.Add(inbox.Newest("a")!.Version);
        }

        Assert.Equal([2, 2, 5, 5, 5, 7, 7], held);
        Assert.Equal(7, inbox.Received);
        Assert.Equal(4, inbox.Ignored);
    }

    [Fact]
    public void Offer_TwoModels_KeptApart()
    {
        var inbox = new CheckpointInbox();

        Assert.True(inbox.Offer(Make("a", 4)));
        Assert.True(inbox.Offer(Make("b", 1)));
        Assert.False(inbox.Offer(Make("a", 4)));

        Assert.Equal(4, inbox.Newest("a")!.Version);
        Assert.Equal(1, inbox.Newest("b")!.Version);
        Assert.Null(inbox.Newest("c"));
    }

    internal static Checkpoint Make(string model, long version, long? step = null, float[]? weights = null, string arch = "mlp:2-2") =>
        new(model, version, step ?? version, arch, weights ?? [version], new Dictionary<string, double>());
}
