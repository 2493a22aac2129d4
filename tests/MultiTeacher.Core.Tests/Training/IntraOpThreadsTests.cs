using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using MultiTeacher.Core.Training;
using TorchSharp;

namespace MultiTeacher.Core.Tests.Training;

[Collection(TorchThreadsCollection.Name)]
public sealed class IntraOpThreadsTests
{
    [Fact]
    public void AtMost_One_LimitsThisThreadUntilDisposed()
    {
        using var _ = TorchThreadsCollection.Use(2);

        using (IntraOpThreads.AtMost(1))
        {
            Assert.Equal(1, torch.get_num_threads());
        }

        Assert.Equal(2, torch.get_num_threads());
        Assert.Equal(2, TorchRuntime.Threads);
    }

    [Fact]
    public void AtMost_OnOneThread_LeavesOtherThreadsAlone()
    {
        using var _ = TorchThreadsCollection.Use(2);
        using var limited = new ManualResetEventSlim();
        using var checkedOther = new ManualResetEventSlim();
        var other = 0;
        var thread = new Thread(() =>
        {
            limited.Wait();
            other = torch.get_num_threads();
            checkedOther.Set();
        });
        thread.Start();

        using (IntraOpThreads.AtMost(1))
        {
            limited.Set();
            Assert.True(checkedOther.Wait(TimeSpan.FromSeconds(30)));
            Assert.Equal(1, torch.get_num_threads());
        }

        thread.Join();
        Assert.Equal(2, other);
    }

    [Fact]
    public void AtMost_AboveTheCurrentCount_ChangesNothing()
    {
        using var _ = TorchThreadsCollection.Use(1);

        using (IntraOpThreads.AtMost(2))
        {
            Assert.Equal(1, torch.get_num_threads());
        }

        Assert.Equal(1, torch.get_num_threads());
    }

    [Theory]
    [InlineData("mlp:784-64-10", 50_816L, true)]
    [InlineData("mlp:784-1200-1200-10?dropout=0.2", 2_392_800L, false)]
    [InlineData("cnn:32-64-128", 2_631_040L, false)]
    [InlineData("cnn:8-16-32", 201_184L, true)]
    public void TrainingStep_SmallModels_RunOnOneThread(string architecture, long multiplyAdds, bool oneThread)
    {
        var parsed = Architecture.Parse(architecture);

        Assert.Equal(multiplyAdds, parsed.MultiplyAddsPerSample);
        Assert.Equal(oneThread, TrainingStep.RunsOnOneThread(parsed));
    }
}
