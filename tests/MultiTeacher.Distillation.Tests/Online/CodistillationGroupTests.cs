using MultiTeacher.Distillation.Online;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Tests.Online;

public sealed class CodistillationGroupTests : ActorTestKit
{
    [Fact]
    public async Task RunAsync_SameSeedTwice_BitIdenticalWeightsAndHistories()
    {
        var request = new GroupRequest("run", PeerFixtures.Arch, PeerFixtures.Train, PeerFixtures.Settings()) { Test = PeerFixtures.Test };

        var first = await CodistillationGroup.RunAsync(request, Sys);
        var second = await CodistillationGroup.RunAsync(request, Sys);

        Assert.Equal(2, first.Peers.Count);
        for (var k = 0; k < 2; k++)
        {
            Assert.Equal(first.Peers[k].Weights, second.Peers[k].Weights);
            Assert.Equal(first.Peers[k].History, second.Peers[k].History);
            Assert.Equal(first.Peers[k].DistilledSteps, second.Peers[k].DistilledSteps);
        }
    }

    [Fact]
    public async Task RunAsync_OtherSeed_OtherWeights()
    {
        var settings = PeerFixtures.Settings(epochs: 1);
        var a = await CodistillationGroup.RunAsync(new GroupRequest("run", PeerFixtures.Arch, PeerFixtures.Train, settings), Sys);
        var b = await CodistillationGroup.RunAsync(new GroupRequest("run", PeerFixtures.Arch, PeerFixtures.Train, settings with { Seed = 4 }), Sys);

        Assert.NotEqual(a.Peers[0].Weights, b.Peers[0].Weights);
    }

    [Fact]
    public async Task RunAsync_Codistilling_ExchangesCheckpointsAndDistilsAfterBurnIn()
    {
        var settings = PeerFixtures.Settings();

        var result = await CodistillationGroup.RunAsync(new GroupRequest("run", PeerFixtures.Arch, PeerFixtures.Train, settings) { Test = PeerFixtures.Test }, Sys);

        Assert.Empty(result.Lost);
        Assert.Empty(result.Incidents);
        foreach (var peer in result.Peers)
        {
            // 320 rows per peer, batch 32: 10 steps per epoch, 30 in all; checkpoints at 4, 8, ..., 28 and a final one.
            Assert.Equal(320, peer.Rows);
            Assert.Equal(30, peer.Steps);
            Assert.Equal(8, peer.CheckpointsSent);
            Assert.Equal(8, peer.CheckpointsReceived);
            Assert.Equal(0, peer.CheckpointsIgnored);
            Assert.Equal(30 - 6, peer.DistilledSteps);
            Assert.InRange(peer.StalenessMean, 0, 3);
            Assert.InRange(peer.StalenessMax, 0, 3);
            Assert.Equal(3, peer.History.Count);
            Assert.All(peer.History, e => Assert.InRange(e.TestAccuracy, 0.0, 1.0));
        }

        Assert.Equal(16, result.Hub.Received);
    }

    [Fact]
    public async Task RunAsync_Lockstep_CheckpointOfStepSIsUsedFromStepSOn_StalenessAsThePyTorchTwinSchedulesIt()
    {
        // tests/pytorch/codistill_reference.py mirrors this schedule: the checkpoints taken after step s (s a multiple of
        // the exchange interval) give p̄ for steps s .. s + interval − 1 (steps counted before the update), from the burn-in on.
        var settings = PeerFixtures.Settings();

        var result = await CodistillationGroup.RunAsync(new GroupRequest("run", PeerFixtures.Arch, PeerFixtures.Train, settings), Sys);

        // Steps 6..29 distil; step t uses the checkpoint of step 4·⌊t/4⌋: staleness t mod 4, whose mean over 6..29 is 36/24.
        var expected = Enumerable.Range(6, 24).Select(t => t % 4).ToList();
        Assert.All(result.Peers, p =>
        {
            Assert.Equal(expected.Count, p.DistilledSteps);
            Assert.Equal(expected.Average(), p.StalenessMean, 12);
            Assert.Equal(expected.Max(), p.StalenessMax);
        });
    }

    [Fact]
    public async Task RunAsync_Independent_NoDistillationTerm()
    {
        var settings = PeerFixtures.Settings() with { Codistill = false };

        var result = await CodistillationGroup.RunAsync(new GroupRequest("run", PeerFixtures.Arch, PeerFixtures.Train, settings), Sys);

        Assert.All(result.Peers, p => Assert.Equal(0, p.DistilledSteps));
        Assert.All(result.Peers, p => Assert.Equal(0, p.CheckpointsReceived));
    }

    [Fact]
    public async Task RunAsync_APeerThrows_ItIsStoppedAndReportedLost_AndTheOthersFinishWithoutIt()
    {
        // Peer 1 distils from an offline teacher that cannot serve: it throws at its first step.
        var settings = PeerFixtures.Settings(epochs: 1);
        var request = new GroupRequest("run", PeerFixtures.Arch, PeerFixtures.Train, settings)
        {
            TeachersFor = k => k == 1 ? [new PipelineTeacher("broken", new BrokenSource())] : [],
        };

        var result = await EventFilter.Exception<InvalidDataException>(contains: "teacher file is corrupt")
            .ExpectOneAsync(() => CodistillationGroup.RunAsync(request, Sys));

        Assert.Equal(["peer-1"], result.Lost);
        Assert.Equal(["peer-0"], result.Peers.Select(p => p.PeerId));
        Assert.Equal(10, result.Peers[0].Steps);
        Assert.Contains(result.Incidents, i => i.StartsWith("peer-0: peer peer-1 stopped before sending a checkpoint", StringComparison.Ordinal));
    }

    private sealed class BrokenSource : ILogitSource
    {
        public int Classes => 4;

        public long Version => 0;

        public void Logits(ReadOnlySpan<int> rows, Span<float> destination) => throw new InvalidDataException("teacher file is corrupt");
    }
}
