using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Training;

namespace MultiTeacher.Core.Tests.Training;

[Collection(TorchThreadsCollection.Name)]
public sealed class SupervisedTrainerTests
{
    // One generator for both splits: the class prototypes depend on the seed.
    private static readonly Dataset s_all = SyntheticDataset.Create(800, 4, 32, seed: 5);
    private static readonly Dataset s_train = s_all.Slice(0, 600);
    private static readonly Dataset s_test = s_all.Slice(600, 200);
    private static readonly Dataset s_images = SyntheticDataset.Create(256, 4, 784, seed: 6);

    [Theory]
    [InlineData("mlp:32-16-4?dropout=0.2", 1)]
    [InlineData("mlp:32-16-4?dropout=0.2", 2)]
    [InlineData("mlp:32-24-16-4", 2)]
    [InlineData("cnn:4-8-16?classes=4", 2)]
    public void Train_SameSeedAndThreads_GivesIdenticalWeights(string arch, int threads)
    {
        using var _ = TorchThreadsCollection.Use(threads);
        var data = arch.StartsWith("cnn", StringComparison.Ordinal) ? s_images : s_train;
        var options = new TrainingOptions { Epochs = 2, BatchSize = 32, Seed = 11 };

        // Bit for bit, not merely close: each run starts from torch's seeded generator and our data order.
        using var a = Model.Create(arch, 11);
        new SupervisedTrainer(a, options).Train(data, null);
        using var b = Model.Create(arch, 11);
        new SupervisedTrainer(b, options).Train(data, null);
        using var c = Model.Create(arch, 12);
        new SupervisedTrainer(c, options with { Seed = 12 }).Train(data, null);

        Assert.Equal(a.GetWeights(), b.GetWeights());
        Assert.NotEqual(a.GetWeights(), c.GetWeights());
    }

    [Fact]
    public void Train_ManyBatches_LeavesNoTensorBehind()
    {
        // Every batch runs in a dispose scope: after training, the thread holds exactly the tensors it held before.
        using var model = Model.Create("mlp:32-16-4?dropout=0.2", 5);
        var trainer = new SupervisedTrainer(model, new TrainingOptions { Epochs = 3, BatchSize = 16, Seed = 5 });
        _ = Batches.Inputs(s_train);
        _ = Batches.Inputs(s_test);
        var before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        trainer.Train(s_train, s_test);

        Assert.Equal(before, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Train_DifferentSeeds_GiveDifferentWeights()
    {
        var a = Model.Create("mlp:32-16-4", 1);
        new SupervisedTrainer(a, new TrainingOptions { Epochs = 1, Seed = 1 }).Train(s_train, null);
        var b = Model.Create("mlp:32-16-4", 2);
        new SupervisedTrainer(b, new TrainingOptions { Epochs = 1, Seed = 2 }).Train(s_train, null);

        Assert.NotEqual(a.GetWeights(), b.GetWeights());
    }

    [Fact]
    public void Train_SyntheticClasses_LearnsThem()
    {
        var model = Model.Create("mlp:32-16-4", 3);
        var before = Evaluator.Evaluate(model, s_test).Accuracy;

        var epochs = new SupervisedTrainer(model, new TrainingOptions { Epochs = 5, BatchSize = 32, Seed = 3 }).Train(s_train, s_test);

        Assert.True(epochs[^1].EvaluationAccuracy > 0.95, $"test accuracy {epochs[^1].EvaluationAccuracy} (before training {before})");
        Assert.True(epochs[^1].Loss < epochs[0].Loss, $"loss went from {epochs[0].Loss} to {epochs[^1].Loss}");
    }

    [Fact]
    public void Train_ReportsProgressAfterEveryBatch()
    {
        var reports = new List<TrainingProgress>();

        new SupervisedTrainer(Model.Create("mlp:32-8-4", 1), new TrainingOptions { Epochs = 2, BatchSize = 100 })
            .Train(s_train, null, reports.Add);

        Assert.Equal(12, reports.Count);
        Assert.Equal(1.0, reports[^1].Fraction, 6);
        Assert.All(reports, r => Assert.InRange(r.Accuracy, 0, 1));
    }

    [Fact]
    public void Train_Cancelled_StopsBetweenBatches()
    {
        using var cts = new CancellationTokenSource();
        var batches = 0;

        Assert.Throws<OperationCanceledException>(() =>
            new SupervisedTrainer(Model.Create("mlp:32-8-4", 1), new TrainingOptions { Epochs = 3, BatchSize = 10 })
                .Train(s_train, null, _ => { if (++batches == 5) { cts.Cancel(); } }, cts.Token));

        Assert.Equal(5, batches);
    }

    [Fact]
    public void Train_ModelOfAnotherInputSize_IsRefusedNamingBothSides()
    {
        var trainer = new SupervisedTrainer(Model.Create("mlp:784-8-4", 1), new TrainingOptions());

        var e = Assert.Throws<InvalidOperationException>(() => trainer.Train(s_train, null));

        Assert.Contains("784 inputs", e.Message);
        Assert.Contains("32 features", e.Message);
    }

    [Fact]
    public void Train_ModelOfAnotherClassCount_IsRefusedNamingBothSides()
    {
        var trainer = new SupervisedTrainer(Model.Create("mlp:32-8-10", 1), new TrainingOptions());

        var e = Assert.Throws<InvalidOperationException>(() => trainer.Train(s_train, null));

        Assert.Contains("10 classes", e.Message);
        Assert.Contains("4 classes", e.Message);
    }

    [Fact]
    public void Train_WithPatience_StopsAfterNoImprovementAndKeepsTheBestEpoch()
    {
        var model = Model.Create("mlp:32-16-4", 3);
        var weightsAfter = new Dictionary<int, float[]>();

        var epochs = new SupervisedTrainer(model, new TrainingOptions { Epochs = 50, BatchSize = 32, Seed = 3, Patience = 2 })
            .Train(s_train, s_test, afterEpoch: e => weightsAfter[e.Epoch] = model.GetWeights());

        var best = epochs.First(e => e.EvaluationAccuracy == epochs.Max(x => x.EvaluationAccuracy));
        Assert.True(epochs.Count < 50, "training never stopped early on an easy problem");
        Assert.Equal(best.Epoch + 2, epochs[^1].Epoch);
        Assert.Equal(weightsAfter[best.Epoch], model.GetWeights());
    }
}
