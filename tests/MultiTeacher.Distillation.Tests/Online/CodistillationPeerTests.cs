using Akka.TestKit;
using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Online;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Distillation.Tests.Online;

public sealed class CodistillationPeerTests : ActorTestKit
{
    private static readonly TimeSpan s_runTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task PeerStops_OthersContinueWithItsLastCheckpointUntilTooStale_AndSaySo()
    {
        var hub = Sys.ActorOf(CheckpointHub.Props());
        var monitor = CreateTestProbe();
        var settings = PeerFixtures.Settings(epochs: 6) with { Peers = 3, ExchangeEverySteps = 4, BurnInSteps = 0, MaxStalenessSteps = 12 };
        string[] ids = ["p0", "p1", "p2"];
        // p2 is a stand-in whose checkpoints of steps 4 and 8 are already in the hub, and that stops: the real peers
        // join late (they receive only its newest), hold step 8, and must go on without it.
        var p2 = Sys.ActorOf(Props.Create(() => new Silent()));
        hub.Tell(new Checkpoint("p2", 1, 4, PeerFixtures.Arch, Model.Create(PeerFixtures.Arch, 7).GetWeights(), new Dictionary<string, double>()));
        hub.Tell(new Checkpoint("p2", 2, 8, PeerFixtures.Arch, Model.Create(PeerFixtures.Arch, 8).GetWeights(), new Dictionary<string, double>()));
        var partitions = PeerPartitions.Create(PeerFixtures.Train.Count, 2, Partitioning.Disjoint);
        var peers = new Dictionary<string, IActorRef> { ["p2"] = p2 };
        for (var k = 0; k < 2; k++)
        {
            var setup = new PeerSetup("run", ids[k], Model.Create(PeerFixtures.Arch, (ulong)k + 1), PeerFixtures.Train, partitions[k], settings, ids, hub, monitor);
            peers[ids[k]] = Sys.ActorOf(CodistillationPeer.Props(setup));
        }

        foreach (var k in new[] { "p0", "p1" })
        {
            await UntilReceived(peers[k], 1);
            peers[k].Tell(new StartPeer(peers));
        }

        Sys.Stop(p2);
        var received = await CollectUntilFinished(monitor, 2);

        var finished = received.OfType<PeerFinished>().Select(f => f.Report).OrderBy(r => r.PeerId).ToList();
        Assert.Equal(["p0", "p1"], finished.Select(r => r.PeerId));
        foreach (var report in finished)
        {
            // 320 rows, batch 32: 10 steps per epoch, 60 in all.
            Assert.Equal(60, report.Steps);
            Assert.Contains(report.Incidents, i => i.StartsWith("peer p2 stopped; continuing with its checkpoint of step 8 (version 2)", StringComparison.Ordinal));
            Assert.Contains(report.Incidents, i => i.StartsWith("checkpoint of p2 (step 8) is 13 steps old", StringComparison.Ordinal));
            // Peer models are installed at exchange points: the first 4 steps have none, every later one has p1 at least.
            Assert.Equal(56, report.DistilledSteps);
            Assert.InRange(report.StalenessMax, 0, 12);
        }

        Assert.Contains(received.OfType<PeerIncident>(), i => i.PeerId == "p0" && i.Text.Contains("p2 stopped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LateJoiner_ReceivesTheNewestCheckpoint_AndIgnoresAnOlderOneAfterIt()
    {
        var hub = Sys.ActorOf(CheckpointHub.Props());
        var monitor = CreateTestProbe();
        var settings = PeerFixtures.Settings(epochs: 1) with { WaitForPeers = false, BurnInSteps = 0, ExchangeEverySteps = 1000 };
        string[] ids = ["p0", "p1"];
        foreach (var version in new long[] { 3, 5 })
        {
            hub.Tell(new Checkpoint("p1", version, 0, PeerFixtures.Arch, Model.Create(PeerFixtures.Arch, (ulong)version).GetWeights(), new Dictionary<string, double>()));
        }

        var setup = new PeerSetup("run", "p0", Model.Create(PeerFixtures.Arch, 1), PeerFixtures.Train, Enumerable.Range(0, 320).ToArray(), settings, ids, hub, monitor);
        var peer = Sys.ActorOf(CodistillationPeer.Props(setup));
        var stats = await UntilReceived(peer, 1);

        peer.Tell(new Checkpoint("p1", 4, 0, PeerFixtures.Arch, Model.Create(PeerFixtures.Arch, 4).GetWeights(), new Dictionary<string, double>()));
        peer.Tell(new StartPeer(new Dictionary<string, IActorRef>()));
        var report = (await monitor.FishForMessageAsync<PeerFinished>(_ => true, s_runTimeout)).Report;

        Assert.Equal(1, stats.CheckpointsReceived);
        Assert.Equal(2, report.CheckpointsReceived);
        Assert.Equal(1, report.CheckpointsIgnored);
        Assert.Equal(10, report.DistilledSteps);
        Assert.Equal(9, report.StalenessMax);
    }

    [Fact]
    public async Task PeerSilentAtAnExchangePoint_AfterThePeerTimeoutTheOthersGoOnWithoutWaiting_AndSaySo()
    {
        var hub = Sys.ActorOf(CheckpointHub.Props());
        var monitor = CreateTestProbe();
        var published = CreateTestProbe();
        hub.Tell(new SubscribeCheckpoints(published));
        var settings = PeerFixtures.Settings(epochs: 1) with { ExchangeEverySteps = 4, BurnInSteps = 0, PeerTimeout = TimeSpan.FromSeconds(60) };
        string[] ids = ["p0", "p1"];
        // p1 is alive (so death watch says nothing) but never publishes.
        var p1 = Sys.ActorOf(Props.Create(() => new Silent()));
        var setup = new PeerSetup("run", "p0", Model.Create(PeerFixtures.Arch, 1), PeerFixtures.Train, Enumerable.Range(0, 320).ToArray(), settings, ids, hub, monitor);
        var p0 = Sys.ActorOf(CodistillationPeer.Props(setup));
        p0.Tell(new StartPeer(new Dictionary<string, IActorRef> { ["p1"] = p1 }));

        Assert.Equal(4, (await published.ExpectMsgAsync<Checkpoint>(s_runTimeout)).Step);
        var waiting = await p0.Ask<PeerReport>(new GetStats(), s_runTimeout); // handled after the step that started the wait timer
        Scheduler.Advance(TimeSpan.FromSeconds(59));
        await monitor.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));

        var incident = await EventFilter.Warning(contains: "p0: peer p1 sent no checkpoint of step 4 within 60 s")
            .ExpectOneAsync(async () =>
            {
                Scheduler.Advance(TimeSpan.FromSeconds(1));
                return await monitor.ExpectMsgAsync<PeerIncident>(s_runTimeout);
            });
        var report = (await monitor.FishForMessageAsync<PeerFinished>(_ => true, s_runTimeout)).Report;

        Assert.Equal(4, waiting.Steps);
        Assert.Equal("peer p1 sent no checkpoint of step 4 within 60 s; going on without waiting for it, with no checkpoint of it", incident.Text);
        Assert.Equal(10, report.Steps);
        Assert.Equal(0, report.DistilledSteps);
        Assert.Equal([incident.Text], report.Incidents);
    }

    /// <summary>Asks the (not yet started) peer until it holds <paramref name="count"/> checkpoints from the hub.</summary>
    private static async Task<PeerReport> UntilReceived(IActorRef peer, int count)
    {
        PeerReport stats;
        do
        {
            stats = await peer.Ask<PeerReport>(new GetStats(), TimeSpan.FromSeconds(3));
        }
        while (stats.CheckpointsReceived < count);
        return stats;
    }

    private static async Task<List<object>> CollectUntilFinished(TestProbe monitor, int peers)
    {
        var received = new List<object>();
        while (received.OfType<PeerFinished>().Count() < peers)
        {
            received.Add(await monitor.ReceiveOneAsync(s_runTimeout));
        }

        return received;
    }

    private sealed class Silent : ReceiveActor
    {
    }
}
