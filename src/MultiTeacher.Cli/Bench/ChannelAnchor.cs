using System.Threading.Channels;

namespace MultiTeacher.Cli.Bench;

/// <summary>
/// The bare-channel baselines of <c>mt bench actors</c>: the same work as the actors with tasks and
/// <see cref="Channel{T}"/>s of the same item size (a message and a sender), and nothing else.
/// </summary>
internal static class ChannelAnchor
{
    private static readonly object s_message = new();

    /// <summary>A producer task writes <paramref name="count"/> items; a consumer task reads them.</summary>
    public static async Task OneWayAsync(int count)
    {
        var channel = Channel.CreateUnbounded<(object Message, object? Sender)>(new UnboundedChannelOptions { SingleReader = true });
        var consumer = Task.Run(async () =>
        {
            var reader = channel.Reader;
            var received = 0;
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out _))
                {
                    if (++received == count)
                    {
                        return;
                    }
                }
            }
        });
        var producer = Task.Run(() =>
        {
            var writer = channel.Writer;
            for (var i = 0; i < count; i++)
            {
                writer.TryWrite((s_message, null));
            }
        });
        await Task.WhenAll(producer, consumer).ConfigureAwait(false);
    }

    /// <summary>Two tasks bounce one item <paramref name="roundTrips"/> times over two channels.</summary>
    public static async Task PingPongAsync(int roundTrips)
    {
        var options = new UnboundedChannelOptions { SingleReader = true, SingleWriter = true };
        var ping = Channel.CreateUnbounded<(object Message, object? Sender)>(options);
        var pong = Channel.CreateUnbounded<(object Message, object? Sender)>(options);
        var ponger = Task.Run(async () =>
        {
            for (var i = 0; i < roundTrips; i++)
            {
                var ball = await ping.Reader.ReadAsync().ConfigureAwait(false);
                pong.Writer.TryWrite(ball);
            }
        });
        var pinger = Task.Run(async () =>
        {
            for (var i = 0; i < roundTrips; i++)
            {
                ping.Writer.TryWrite((s_message, null));
                await pong.Reader.ReadAsync().ConfigureAwait(false);
            }
        });
        await Task.WhenAll(pinger, ponger).ConfigureAwait(false);
    }
}
