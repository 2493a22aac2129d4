using System.Threading.Channels;

namespace MultiTeacher.Actors.TestKit;

/// <summary>The actor behind a <see cref="TestProbe"/>: records every message with its sender; watches on request.</summary>
internal sealed class ProbeActor : ReceiveActor
{
    public ProbeActor(ChannelWriter<ReceivedMessage> received)
    {
        Receive<WatchRequest>(request => Context.Watch(request.Subject));
        Receive<UnwatchRequest>(request => Context.Unwatch(request.Subject));
        ReceiveAny(message => received.TryWrite(new ReceivedMessage(message, Sender)));
    }

    public sealed record WatchRequest(IActorRef Subject);

    public sealed record UnwatchRequest(IActorRef Subject);
}
