namespace MultiTeacher.Actors.Tests;

public sealed class TestKitTests : TestKitBase
{
    [Fact]
    public async Task ExpectMsgAsync_WrongType_Throws()
    {
        var probe = CreateTestProbe();
        probe.Tell("text");

        var exception = await Assert.ThrowsAsync<TestKitException>(() => probe.ExpectMsgAsync<int>());

        Assert.Contains("expected a Int32 but received String", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpectMsgAsync_PredicateFails_Throws()
    {
        var probe = CreateTestProbe();
        probe.Tell(3);

        await Assert.ThrowsAsync<TestKitException>(() => probe.ExpectMsgAsync<int>(n => n > 5));
    }

    [Fact]
    public async Task ExpectMsgAsync_NothingArrives_ThrowsAfterTimeout()
    {
        var probe = CreateTestProbe();

        await Assert.ThrowsAsync<TestKitException>(() => probe.ExpectMsgAsync<int>(timeout: TimeSpan.FromMilliseconds(50)));
    }

    [Fact]
    public async Task ExpectNoMsgAsync_MessageArrives_Throws()
    {
        var probe = CreateTestProbe();
        probe.Tell(1);

        await Assert.ThrowsAsync<TestKitException>(() => probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task FishForMessageAsync_OtherMessagesFirst_SkipsToTheMatch()
    {
        var probe = CreateTestProbe();
        probe.Tell("a");
        probe.Tell(1);
        probe.Tell(5);
        probe.Tell(6);

        Assert.Equal(5, await probe.FishForMessageAsync<int>(n => n > 2));
        Assert.Equal(6, await probe.ExpectMsgAsync<int>());
    }

    [Fact]
    public async Task Reply_ToLastSender_ArrivesWithProbeAsSender()
    {
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        first.Tell("question", second);
        await first.ExpectMsgAsync("question");

        first.Reply("answer");

        Assert.Equal("answer", await second.ExpectMsgAsync<string>());
        Assert.Same(first, second.LastSender);
    }

    [Fact]
    public void FakeTimeProvider_Advance_FiresDueTimersInOrderAtTheirDueTimes()
    {
        var clock = new FakeTimeProvider();
        var start = clock.GetUtcNow();
        var fired = new List<string>();
        using var late = clock.CreateTimer(_ => fired.Add($"late@{(clock.GetUtcNow() - start).TotalSeconds}"), null, TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);
        using var repeating = clock.CreateTimer(_ => fired.Add($"every@{(clock.GetUtcNow() - start).TotalSeconds}"), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        using var disposed = clock.CreateTimer(_ => fired.Add("disposed"), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        disposed.Dispose();

        clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(["every@1", "late@3", "every@3", "every@5"], fired);
        Assert.Equal(TimeSpan.FromSeconds(5), clock.GetUtcNow() - start);
        Assert.Equal(1, clock.PendingTimers);
    }

    [Fact]
    public void Clock_WithoutFakeClock_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => Clock);
    }
}
