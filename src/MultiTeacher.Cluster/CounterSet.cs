namespace MultiTeacher.Cluster;

/// <summary>The live counters behind <see cref="TransportCounters"/>; incremented from any thread.</summary>
internal sealed class CounterSet
{
    public long Published;
    public long Confirmed;
    public long Republished;
    public long Delivered;
    public long Redelivered;
    public long Acked;
    public long Nacked;
    public long DeadLettered;
    public long BytesIn;
    public long BytesOut;

    public TransportCounters Snapshot() => new(
        Interlocked.Read(ref Published), Interlocked.Read(ref Confirmed), Interlocked.Read(ref Republished),
        Interlocked.Read(ref Delivered), Interlocked.Read(ref Redelivered), Interlocked.Read(ref Acked),
        Interlocked.Read(ref Nacked), Interlocked.Read(ref DeadLettered), Interlocked.Read(ref BytesIn), Interlocked.Read(ref BytesOut));
}
