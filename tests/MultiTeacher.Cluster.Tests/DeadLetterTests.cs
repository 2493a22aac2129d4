using System.Text;
using Google.Protobuf;
using MultiTeacher.Actors.TestKit;
using MultiTeacher.Cluster.Testing;
using MultiTeacher.Cluster.Wire;

namespace MultiTeacher.Cluster.Tests;

[Collection(BrokerFixture.Collection)]
public sealed class DeadLetterTests(BrokerFixture broker)
{
    [Fact]
    public async Task Consume_UnreadableMessages_DeadLetteredWithReasonAndNextGoodOneDelivered()
    {
        var prefix = broker.NewPrefix();
        await using var node = await Node.StartAsync(broker, prefix, "node", s => s with { MaxMessageSize = 64 * 1024 });
        var probe = new TestProbe(node.System);
        await node.Transport.ConsumeWorkQueueAsync("jobs", probe, 4);
        var queue = node.Transport.WorkQueueName("jobs");
        await using var raw = await Raw.ConnectAsync(broker.Broker.Uri);

        await raw.PublishAsync(queue, [0xff, 0xff, 0xff, 0x01, 0x02]);
        await raw.PublishAsync(queue, Envelope(version: 2, "test.Job", "1|x").ToByteArray());
        await raw.PublishAsync(queue, Envelope(version: 1, "test.Nope", "1|x").ToByteArray());
        await raw.PublishAsync(queue, new byte[100 * 1024]);
        await raw.PublishAsync(queue, Envelope(version: 1, "test.Job", "42|good").ToByteArray());

        Assert.Equal(new Job(42, "good"), await probe.ExpectMsgAsync<Job>(timeout: WorkQueueTests.Timeout));
        await WorkQueueTests.WaitUntilAsync(() => node.Transport.Counters.DeadLettered == 4);
        var reasons = await raw.DrainReasonsAsync(node.Transport.DeadLetterQueue);
        Assert.Equal(4, reasons.Count);
        Assert.StartsWith("malformed envelope", reasons[0], StringComparison.Ordinal);
        Assert.Equal("unknown envelope version 2 (this node reads version 1)", reasons[1]);
        Assert.Equal("unknown manifest 'test.Nope'", reasons[2]);
        Assert.Equal("message of 102400 bytes exceeds max-message-size 65536", reasons[3]);
        await node.Transport.DeleteAllAsync();
    }

    [Fact]
    public async Task Consume_ClaimCheckShaMismatch_DeadLettered()
    {
        var prefix = broker.NewPrefix();
        await using var node = await Node.StartAsync(broker, prefix, "node");
        var probe = new TestProbe(node.System);
        await node.Transport.ConsumeWorkQueueAsync("jobs", probe, 4);
        var file = Path.Combine(broker.ClaimCheckDirectory, $"tampered-{prefix}.bin");
        Directory.CreateDirectory(broker.ClaimCheckDirectory);
        await File.WriteAllBytesAsync(file, Encoding.UTF8.GetBytes("1|tampered"));
        var envelope = Envelope(1, "test.Job", "");
        envelope.ClaimCheck = new ClaimCheck { Uri = new Uri(file).AbsoluteUri, Sha256 = new string('0', 64), Length = 10 };
        await using var raw = await Raw.ConnectAsync(broker.Broker.Uri);

        await raw.PublishAsync(node.Transport.WorkQueueName("jobs"), envelope.ToByteArray());
        await raw.PublishAsync(node.Transport.WorkQueueName("jobs"), Envelope(1, "test.Job", "2|good").ToByteArray());

        Assert.Equal(new Job(2, "good"), await probe.ExpectMsgAsync<Job>(timeout: WorkQueueTests.Timeout));
        await WorkQueueTests.WaitUntilAsync(() => node.Transport.Counters.DeadLettered == 1);
        var reason = Assert.Single(await raw.DrainReasonsAsync(node.Transport.DeadLetterQueue));
        Assert.StartsWith("claim check sha256 mismatch", reason, StringComparison.Ordinal);
        await node.Transport.DeleteAllAsync();
    }

    [Fact]
    public async Task WorkQueue_PayloadAboveThreshold_TravelsByClaimCheckAndArrivesIntact()
    {
        var prefix = broker.NewPrefix();
        await using var node = await Node.StartAsync(broker, prefix, "node", s => s with { ClaimCheckThreshold = 1024 });
        var probe = new TestProbe(node.System);
        await node.Transport.ConsumeWorkQueueAsync("blobs", probe, 4);
        var data = new byte[1 << 20];
        new Random(3).NextBytes(data);

        node.Transport.WorkQueue(node.System, "blobs").Tell(new Blob(1, data));

        var received = await probe.ExpectMsgAsync<Blob>(timeout: WorkQueueTests.Timeout);
        Assert.Equal(data, received.Data);
        Assert.True(node.Transport.Counters.BytesOut < 2048, $"{node.Transport.Counters.BytesOut} bytes went through the broker");
        await node.Transport.DeleteAllAsync();
    }

    private static Envelope Envelope(uint version, string manifest, string payload) => new()
    {
        Version = version,
        MessageId = Guid.NewGuid().ToString(),
        Manifest = manifest,
        Payload = ByteString.CopyFromUtf8(payload),
        SenderNode = "raw",
        Recipient = "work:jobs",
    };
}
