using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Training;

namespace MultiTeacher.Core.Tests.Training;

/// <summary>Training on the real Fashion-MNIST (Debian's dataset-fashion-mnist, installed by ./mt test).</summary>
public sealed class FashionMnistAccuracyTests
{
    [Fact]
    public void Train_SmallMlpOneEpoch_ReachesPyTorchLevelAccuracy()
    {
        var train = DatasetCatalog.Load(null, "train");
        var test = DatasetCatalog.Load(null, "test");
        var model = Model.Create("mlp:784-64-10", 10);

        var epochs = new SupervisedTrainer(model, new TrainingOptions { Epochs = 1, Seed = 10 }).Train(train, test);

        // PyTorch with the same recipe (Adam 1e-3, batch 128) reaches about 82-83% after one epoch.
        Assert.True(epochs[0].EvaluationAccuracy > 0.81, $"test accuracy after one epoch: {epochs[0].EvaluationAccuracy:P2}");
    }
}
