using MultiTeacher.Actors;
using MultiTeacher.Actors.Transport;

namespace MultiTeacher.Cluster.Tests;

/// <summary>Answers each job with <see cref="Done"/> published to a work queue (or to the sender), then reports to a probe.</summary>
internal sealed class Worker : ReceiveActor
{
    public Worker(IActorRef? output, IActorRef report, string name)
    {
        Receive<Job>(job =>
        {
            (output ?? Sender).Tell(new Done(job.Id, name), Self);
            report.Tell(job);
        });
    }
}

/// <summary>Publishes its output, then does not finish handling until released (its node "hangs").</summary>
internal sealed class Hanger : ReceiveActor
{
    public Hanger(IActorRef output, IActorRef report, Task release)
    {
        Receive<Job>(async job =>
        {
            output.Tell(new Done(job.Id, "hanger"));
            report.Tell(job);
            await release;
        });
    }
}

/// <summary>Returns at once but attaches work that never completes (like a publish the broker never confirms).</summary>
internal sealed class Unconfirmed : ReceiveActor
{
    public Unconfirmed(IActorRef report)
    {
        Receive<Job>(job =>
        {
            DeliveryContext.Current!.Attach(new TaskCompletionSource().Task);
            report.Tell(job);
        });
    }
}

/// <summary>Defers every job; <c>Settle</c> completes or rejects all of them.</summary>
internal sealed class Deferrer : ReceiveActor
{
    private readonly List<DeferredDelivery> _held = [];

    public Deferrer(IActorRef report)
    {
        Receive<Job>(job =>
        {
            _held.Add(Context.DeferDelivery());
            report.Tell(job);
        });
        Receive<Settle>(settle =>
        {
            foreach (var held in _held)
            {
                if (settle.RejectReason is null)
                {
                    held.Complete();
                }
                else
                {
                    held.Reject(settle.RejectReason);
                }
            }
            _held.Clear();
        });
    }
}

internal sealed record Settle(string? RejectReason);

/// <summary>Throws on the first delivery of each job, handles the redelivery (the set outlives restarts).</summary>
internal sealed class FailOnce : ReceiveActor
{
    public FailOnce(IActorRef report, System.Collections.Concurrent.ConcurrentDictionary<int, bool> failed)
    {
        Receive<Job>(job =>
        {
            report.Tell(job);
            if (failed.TryAdd(job.Id, true))
            {
                throw new InvalidOperationException("first time fails");
            }
        });
    }
}

/// <summary>Holds its first message until released, to let a last-value queue fill up behind it.</summary>
internal sealed class SlowStart : ReceiveActor
{
    public SlowStart(Task release, IActorRef report)
    {
        var first = true;
        Receive<Blob>(async blob =>
        {
            report.Tell(blob);
            if (first)
            {
                first = false;
                await release;
            }
        });
    }
}
