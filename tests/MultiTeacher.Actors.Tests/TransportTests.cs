using System.Buffers;
using System.Text.Json;
using MultiTeacher.Actors.Transport;

namespace MultiTeacher.Actors.Tests;

public sealed class TransportTests : IAsyncLifetime
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(3);
    private readonly InProcessTransport _transport;
    private readonly ActorSystem _alpha;
    private readonly ActorSystem _beta;

    public TransportTests()
        : this(new InProcessTransport())
    {
    }

    private TransportTests(InProcessTransport transport)
    {
        _transport = transport;
        _alpha = new ActorSystem("alpha", new ActorSystemOptions { Transport = transport });
        _beta = new ActorSystem("beta", new ActorSystemOptions { Transport = transport });
        _beta.ActorOf(Props.Create(() => new Echo()), "echo");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _alpha.DisposeAsync();
        await _beta.DisposeAsync();
    }

    [Fact]
    public async Task Tell_ResolvedRemoteRef_ReplyComesBackThroughTransport()
    {
        var probe = new TestProbe(_alpha);
        var echo = _alpha.Resolve(ActorAddress.Parse("mt://beta/user/echo"));
        Assert.IsType<RemoteActorRef>(echo);

        echo.Tell(new Greeting("hello"), probe);

        Assert.Equal(new Greeting("hello from beta"), await probe.ExpectMsgAsync<Greeting>());
        var sender = Assert.IsType<RemoteActorRef>(probe.LastSender);
        Assert.Equal("mt://beta/user/echo", sender.Address.ToString());
        Assert.Equal(echo, sender);
    }

    [Fact]
    public async Task Ask_RemoteActor_ReturnsReply()
    {
        var echo = _alpha.Resolve(new ActorAddress("beta", null, ActorPath.Parse("/user/echo")));

        var reply = await echo.Ask<Greeting>(new Greeting("hi"), s_timeout);

        Assert.Equal("hi from beta", reply.Text);
    }

    [Fact]
    public async Task Tell_UnknownRemotePath_DeadLetterInReceivingSystem()
    {
        var deadLetters = new TestProbe(_beta);
        _beta.EventStream.Subscribe<DeadLetter>(deadLetters);

        _alpha.Resolve(ActorAddress.Parse("mt://beta/user/nobody")).Tell(new Greeting("lost"));

        var letter = await deadLetters.ExpectMsgAsync<DeadLetter>();
        Assert.Equal(new Greeting("lost"), letter.Message);
        Assert.Equal("/user/nobody", letter.Recipient.Path.ToString());
    }

    [Fact]
    public void Tell_UnknownSystem_LocalDeadLetter()
    {
        _alpha.Resolve(ActorAddress.Parse("mt://gamma/user/echo")).Tell(new Greeting("lost"));

        Assert.Equal(1, _alpha.DeadLetters.Count);
    }

    [Fact]
    public void Resolve_OwnAddress_ReturnsLocalRef()
    {
        var echo = _beta.Resolve(ActorAddress.Parse("mt://beta/user/echo"));

        Assert.IsNotType<RemoteActorRef>(echo);
        Assert.Equal("mt://beta/user/echo", _beta.AddressOf(echo).ToString());
    }

    [Fact]
    public void Connect_SameNameTwice_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new ActorSystem("alpha", new ActorSystemOptions { Transport = _transport }));
    }

    [Fact]
    public async Task Tell_RoundTripSerializer_MessageArrivesAsCopy()
    {
        var transport = new InProcessTransport(new JsonSerializer());
        await using var one = new ActorSystem("one", new ActorSystemOptions { Transport = transport });
        await using var two = new ActorSystem("two", new ActorSystemOptions { Transport = transport });
        var probe = new TestProbe(two, "inbox");
        var original = new Greeting("copied");

        one.Resolve(ActorAddress.Parse("mt://two/system/inbox")).Tell(original);

        var received = await probe.ExpectMsgAsync<Greeting>();
        Assert.Equal(original, received);
        Assert.NotSame(original, received);
    }

    private sealed record Greeting(string Text);

    private sealed class Echo : ReceiveActor
    {
        public Echo()
        {
            Receive<Greeting>(g => Sender.Tell(new Greeting($"{g.Text} from {Context.System.Name}"), Self));
        }
    }

    /// <summary>A serializer for test messages: JSON bytes, the type name as manifest.</summary>
    private sealed class JsonSerializer : IMessageSerializer
    {
        public string Serialize(object message, IBufferWriter<byte> output)
        {
            using var writer = new Utf8JsonWriter(output);
            System.Text.Json.JsonSerializer.Serialize(writer, message, message.GetType());
            return message.GetType().AssemblyQualifiedName!;
        }

        public object Deserialize(string manifest, ReadOnlySpan<byte> payload) =>
            System.Text.Json.JsonSerializer.Deserialize(payload, Type.GetType(manifest, throwOnError: true)!)!;
    }
}
