using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Optimizers;
using MultiTeacher.Core.Tensors;
using MultiTeacher.Core.Training;
using MultiTeacher.Distillation.Online;

namespace MultiTeacher.Distillation.Tests.Online;

public sealed class PeerStepTests
{
    private const int Batch = 24;

    [Fact]
    public void Train_WithPeers_LossIsDistillationLossTowardThePeersMeanTemperedPrediction()
    {
        const float T = 2.5f, Alpha = 0.4f;
        var student = Model.Create(PeerFixtures.Arch, 1);
        var twin = Model.Create(PeerFixtures.Arch, 1);
        Model[] peers = [Model.Create(PeerFixtures.Arch, 2), Model.Create(PeerFixtures.Arch, 3)];
        var (inputs, labels) = Batch0();
        // p̄ by hand, in double: mean over peers of softmax(z_k / T).
        var expectedTargets = new float[Batch * 4];
        foreach (var peer in peers)
        {
            var z = peer.Forward(inputs, training: false).Span.ToArray();
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

        var expected = new DistillationLoss(T, Alpha).Compute(twin.Forward(inputs, training: true), labels, expectedTargets, new Tensor(0, 0));
        var step = new PeerStep(student, T, Alpha, 1e-3f);

        var value = step.Train(inputs, labels, peers, []);

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
        var student = Model.Create(PeerFixtures.Arch, 1);
        var twin = Model.Create(PeerFixtures.Arch, 1);
        var peer = Model.Create(PeerFixtures.Arch, 2);
        var (inputs, labels) = Batch0();
        var teacher = Fixtures.RandomLogits(Batch, 5);
        var targets = new float[Batch * 4];
        EnsembleAverage.Combine([peer.Forward(inputs, training: false).Span.ToArray(), teacher], [], Batch, 4, T, EnsembleMethod.Mean, targets);
        var reference = new TrainingStep(twin, new Adam(twin.Parameters, 1e-3f), new DistillationLoss(T, Alpha));

        var value = new PeerStep(student, T, Alpha, 1e-3f).Train(inputs, labels, [peer], [teacher]);
        var expected = reference.Run(inputs, labels, targets);

        Assert.Equal(expected, value);
        Assert.Equal(twin.Parameters.Values, student.Parameters.Values);
    }

    [Fact]
    public void Train_NoSources_IsPlainCrossEntropy()
    {
        var student = Model.Create(PeerFixtures.Arch, 1);
        var twin = Model.Create(PeerFixtures.Arch, 1);
        var (inputs, labels) = Batch0();
        var reference = new TrainingStep(twin, new Adam(twin.Parameters, 1e-3f), new DistillationLoss(1f, 0f));

        var value = new PeerStep(student, 1f, 0.5f, 1e-3f).Train(inputs, labels, [], []);

        Assert.Equal(reference.Run(inputs, labels, []), value);
        Assert.Equal(twin.Parameters.Values, student.Parameters.Values);
    }

    private static (Tensor Inputs, int[] Labels) Batch0()
    {
        var data = PeerFixtures.Train;
        var inputs = new Tensor(Batch, data.Features);
        data.Inputs.AsSpan(0, Batch * data.Features).CopyTo(inputs.Span);
        return (inputs, data.Labels[..Batch]);
    }
}
