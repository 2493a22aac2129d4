using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Optimizers;
using MultiTeacher.Core.Torch;
using MultiTeacher.Core.Training;
using MultiTeacher.Distillation.Online;
using TorchSharp;

namespace MultiTeacher.Distillation.Tests.Online;

public sealed class PeerStepTests
{
    private const int Batch = 24;
    private static readonly int[] s_rows = Enumerable.Range(0, Batch).ToArray();

    [Fact]
    public void Train_WithPeers_LossIsDistillationLossTowardThePeersMeanTemperedPrediction()
    {
        const float T = 2.5f, Alpha = 0.4f;
        using var scope = torch.NewDisposeScope();
        var student = Model.Create(PeerFixtures.Arch, 1);
        var twin = Model.Create(PeerFixtures.Arch, 1);
        Model[] peers = [Model.Create(PeerFixtures.Arch, 2), Model.Create(PeerFixtures.Arch, 3)];
        var (inputs, labels) = Batch0();
        // p̄ by hand, in double: mean over peers of softmax(z_k / T).
        var expectedTargets = new float[Batch * 4];
        foreach (var peer in peers)
        {
            peer.eval();
            var z = TensorData.ToArray(peer.forward(inputs));
            for (var r = 0; r < Batch; r++)
            {
                var row = z.AsSpan(r * 4, 4);
                var max = row.ToArray().Max() / T;
                var sum = row.ToArray().Sum(v => Math.Exp(v / T - max));
                for (var c = 0; c < 4; c++)
                {
                    expectedTargets[r * 4 + c] += (float)(Math.Exp(row[c] / T - max) / sum / peers.Length);
                }
            }
        }

        twin.train();
        var expected = new DistillationLoss(T, Alpha).Terms(twin.forward(inputs), labels, TensorData.From(expectedTargets, [Batch, 4])).Read().Value;
        var step = new PeerStep(student, T, Alpha, 1e-3f);

        var value = step.Train(PeerFixtures.Train, s_rows, labels, peers, []);

        Assert.Equal(expected.Total, value.Total, 1e-6);
        Assert.Equal(expected.Distillation, value.Distillation, 1e-6);
        Assert.Equal(expected.CrossEntropy, value.CrossEntropy, 1e-6);
        Assert.Equal(Batch * 4, step.LastTargets.Length);
        for (var i = 0; i < expectedTargets.Length; i++)
        {
            Assert.Equal(expectedTargets[i], step.LastTargets[i], 1e-6f);
        }
    }

    [Fact]
    public void Train_WithPeersAndTeachers_AveragesThemAllAndTrainsLikeTrainingStep()
    {
        const float T = 1f, Alpha = 0.5f;
        using var scope = torch.NewDisposeScope();
        var student = Model.Create(PeerFixtures.Arch, 1);
        var twin = Model.Create(PeerFixtures.Arch, 1);
        var peer = Model.Create(PeerFixtures.Arch, 2);
        var (inputs, labels) = Batch0();
        var teacher = Fixtures.RandomLogits(Batch, 5);
        var targets = new float[Batch * 4];
        peer.eval();
        EnsembleAverage.Combine([TensorData.ToArray(peer.forward(inputs)), teacher], [], Batch, 4, T, EnsembleMethod.Mean, targets);
        var reference = new TrainingStep(twin, Optimizer.Create("adam", twin, 1e-3f), new DistillationLoss(T, Alpha));

        var value = new PeerStep(student, T, Alpha, 1e-3f).Train(PeerFixtures.Train, s_rows, labels, [peer], [teacher]);
        var expected = reference.Run(inputs, labels, TensorData.From(targets, [Batch, 4]));

        Assert.Equal(expected.Loss, value);
        Assert.Equal(twin.GetWeights(), student.GetWeights());
    }

    [Fact]
    public void Train_NoSources_IsPlainCrossEntropy()
    {
        using var scope = torch.NewDisposeScope();
        var student = Model.Create(PeerFixtures.Arch, 1);
        var twin = Model.Create(PeerFixtures.Arch, 1);
        var (inputs, labels) = Batch0();
        var reference = new TrainingStep(twin, Optimizer.Create("adam", twin, 1e-3f), new DistillationLoss(1f, 0f));

        var value = new PeerStep(student, 1f, 0.5f, 1e-3f).Train(PeerFixtures.Train, s_rows, labels, [], []);

        Assert.Equal(reference.Run(inputs, labels, null).Loss, value);
        Assert.Equal(twin.GetWeights(), student.GetWeights());
    }

    private static (torch.Tensor Inputs, int[] Labels) Batch0()
    {
        var data = PeerFixtures.Train;
        return (Batches.Gather(data, s_rows), data.Labels[..Batch]);
    }
}
