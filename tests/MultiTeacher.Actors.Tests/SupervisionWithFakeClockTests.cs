namespace MultiTeacher.Actors.Tests;

public sealed class SupervisionWithFakeClockTests() : TestKitBase(useFakeClock: true)
{
    [Fact]
    public async Task Restart_WindowElapsedBetweenFailures_CountStartsAgain()
    {
        var probe = CreateTestProbe();
        var strategy = new OneForOneStrategy(1, TimeSpan.FromMinutes(1), _ => Directive.Restart);
        var parent = Sys.ActorOf(Supervisor.Props(Recorder.Props("c", probe, failOn: 0), strategy));
        var child = await parent.Ask<IActorRef>(new GetChild(), TimeSpan.FromMinutes(5));
        await probe.ExpectMsgAsync<Started>();

        child.Tell(0);
        await probe.ExpectMsgAsync<Restarting>();
        await probe.ExpectMsgAsync<Stopped>();
        await probe.ExpectMsgAsync<Restarted>();
        Clock.Advance(TimeSpan.FromMinutes(2));
        child.Tell(0);

        await probe.ExpectMsgAsync<Restarting>();
        await probe.ExpectMsgAsync<Stopped>();
        await probe.ExpectMsgAsync<Restarted>();
    }
}
