using MultiTeacher.Dashboard.Status;

namespace MultiTeacher.Dashboard.Tests;

public sealed class StatusBoardTests
{
    [Fact]
    public void Publish_ANewRunId_KeepsThePreviousRunAsEarlier()
    {
        var board = new StatusBoard();
        var first = RunStatus.Waiting with
        {
            State = "completed", RunId = "a", Shards = ShardView.Empty with { Trained = 5, Total = 5 },
            Student = StudentView.Empty with { Epochs = [new EpochView(1, 0.7, null, 1), new EpochView(2, 0.8, null, 0.9)] },
        };

        board.Publish(first);
        board.Publish(first with { State = "running", RunId = "b", Shards = ShardView.Empty });

        var current = board.Current;
        Assert.Equal("b", current.RunId);
        var earlier = Assert.Single(current.EarlierRuns);
        Assert.Equal(new EarlierRun("a", "completed", 5, 5, 0.8), earlier);
    }

    [Fact]
    public void Finish_WithoutAReportFile_SaysFinishedWithoutALink()
    {
        var board = new StatusBoard();
        board.Publish(RunStatus.Waiting with { State = "completed", RunId = "a" });

        board.Finish("done", Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.html"));

        Assert.Equal("finished", board.Current.State);
        Assert.Equal("done", board.Current.Message);
        Assert.Null(board.Current.Report);
    }

    [Fact]
    public void Finish_AfterTheRunFailed_StaysFailedWithTheRunsReason()
    {
        var board = new StatusBoard();
        board.Publish(RunStatus.Waiting with { State = "failed", RunId = "a", Message = "shard e0/s3 failed" });

        board.Finish("report written", null);

        Assert.Equal("failed", board.Current.State);
        Assert.Equal("shard e0/s3 failed", board.Current.Message);
    }

    [Fact]
    public async Task WaitForChangeAsync_ReturnsOnceSomethingIsPublished()
    {
        var board = new StatusBoard();
        var seen = board.Version;
        var waiting = board.WaitForChangeAsync(seen, CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        board.Publish(RunStatus.Waiting with { RunId = "a" });

        Assert.True(await waiting > seen);
    }
}
