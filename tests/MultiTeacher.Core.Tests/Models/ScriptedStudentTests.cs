using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Optimizers;
using MultiTeacher.Core.Torch;
using MultiTeacher.Core.Training;
using static TorchSharp.torch;

namespace MultiTeacher.Core.Tests.Models;

/// <summary>A student defined in PyTorch (TorchScript) trains through our optimizer and loss and goes back to PyTorch.</summary>
public sealed class ScriptedStudentTests
{
    [Fact]
    public void Create_ScriptedStudent_HasTheModulesStateDictNamesAndParameters()
    {
        using var model = Model.Create(StudentFixtures.For("student.pt"), 1);

        Assert.Equal(["hidden.weight", "hidden.bias", "out.weight", "out.bias"], model.Layout.Select(p => p.Name));
        Assert.Equal([64, 784], model.Layout[0].Shape);
        Assert.Equal(50_890, model.ParameterCount);
        Assert.Equal(10, model.Classes);
        Assert.EndsWith("student.pt?classes=10&input=1x28x28", model.Architecture.Text, StringComparison.Ordinal);
        Assert.True(TrainingStep.RunsOnOneThread(model));
    }

    [Fact]
    public void Train_ScriptedStudent_LossFallsAndTheModulesOwnParametersChange()
    {
        var data = StudentFixtures.Images(32);
        using var model = Model.Create(StudentFixtures.For("student.pt"), 1);
        using var optimizer = Optimizer.Create("adam", model, 0.01f);
        var step = new TrainingStep(model, optimizer, new DistillationLoss(1f, 0f));
        var before = model.GetWeights();
        var rows = Enumerable.Range(0, 32).ToArray();

        var losses = new List<double>();
        for (var i = 0; i < 30; i++)
        {
            using var scope = NewDisposeScope();
            losses.Add(step.Run(Batches.Gather(data, rows), data.Labels, null).Loss.Total);
        }

        Assert.True(losses[^1] < losses[0] / 4, $"loss {losses[0]} → {losses[^1]}");
        var after = model.GetWeights();
        Assert.NotEqual(before, after);
        // The optimizer updated the flat parameter; the module reads the same values through its own parameters.
        using var noGrad = no_grad();
        var own = model.Script!.Module.named_parameters().First(p => p.name == "out.bias").parameter;
        Assert.Equal(after.AsSpan(after.Length - 10).ToArray(), TensorData.ToArray(own));
    }

    [Fact]
    public void SaveScripted_TrainedStudent_PyTorchLoadsItAndGivesOurLogits()
    {
        using var dir = new Data.TempDirectory();
        var data = StudentFixtures.Images(32);
        using var model = Model.Create(StudentFixtures.For("student_bn.pt"), 1);
        using var optimizer = Optimizer.Create("adam", model, 0.01f);
        var step = new TrainingStep(model, optimizer, new DistillationLoss(1f, 0f));
        for (var i = 0; i < 5; i++)
        {
            using var scope = NewDisposeScope();
            _ = step.Run(Batches.Gather(data, Enumerable.Range(0, 32).ToArray()), data.Labels, null);
        }

        var ours = Evaluator.Logits(model, data);
        var (script, weights) = (dir.File("student.pt"), dir.File("student.safetensors"));
        model.SaveScripted(script, weights, new Dictionary<string, string> { ["dataset"] = "fixture" });

        var logits = dir.File("logits.npy");
        var output = StudentFixtures.RunPython(PyTorchCheck, script, weights, Teachers.TeacherFixtures.File("inputs.npy"), logits);
        var theirs = Npy.Read(logits).AsFloat32();
        Assert.Equal(ours.Length, theirs.Length);
        var worst = ours.Zip(theirs, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1e-5, $"worst difference {worst}");
        // The safetensors file holds the whole state_dict (batch-norm buffers too) under the module's names.
        Assert.Contains("features.1.running_mean", output, StringComparison.Ordinal);
        var file = Safetensors.Read(weights);
        Assert.True(file.TryGetTensor("features.1.running_var", out _));
        Assert.Equal(model.Architecture.Text, file.Metadata[ModelCheckpoint.ArchitectureKey]);
    }

    [Theory]
    [InlineData("ops.pt")] // LayerNorm, GELU, Conv1d, an LSTM, softmax attention over the image's rows
    [InlineData("while_loop.pt")] // a while loop whose trip count depends on the data
    [InlineData("data_if.pt")] // an if on the data choosing one of two heads
    public void Train_ScriptedFeatureModuleAsStudent_LossFallsAndPyTorchGivesOurLogits(string file)
    {
        using var dir = new Data.TempDirectory();
        var data = StudentFixtures.Images(32);
        var path = Path.Combine(Path.GetDirectoryName(Teachers.TeacherFixtures.File("x"))!, "features", file);
        using var model = Model.Create(Architecture.ForData("file:" + path, [1, 28, 28], 10), 1);
        using var optimizer = Optimizer.Create("adam", model, 0.01f);
        var step = new TrainingStep(model, optimizer, new DistillationLoss(1f, 0f));
        var losses = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            using var scope = NewDisposeScope();
            losses.Add(step.Run(Batches.Gather(data, Enumerable.Range(0, 32).ToArray()), data.Labels, null).Loss.Total);
        }

        Assert.True(losses[^1] < losses[0] * 0.9, $"loss {losses[0]} → {losses[^1]}");
        var ours = Evaluator.Logits(model, data);
        var (script, weights, logits) = (dir.File("student.pt"), dir.File("student.safetensors"), dir.File("logits.npy"));
        model.SaveScripted(script, weights);
        _ = StudentFixtures.RunPython(PyTorchCheck, script, weights, Teachers.TeacherFixtures.File("inputs.npy"), logits);
        var worst = ours.Zip(Npy.Read(logits).AsFloat32(), (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1e-4, $"worst difference {worst}");
    }

    [Fact]
    public void Train_ScriptedStudentTwiceWithOneSeedOnOneThread_SameWeights()
    {
        float[] Run()
        {
            using var threads = IntraOpThreads.AtMost(1);
            var data = StudentFixtures.Images(32);
            using var model = Model.Create(StudentFixtures.For("student_bn.pt"), 7); // has dropout: drawn from the seeded global generator
            using var optimizer = Optimizer.Create("adam", model, 0.01f);
            var step = new TrainingStep(model, optimizer, new DistillationLoss(1f, 0f));
            for (var i = 0; i < 5; i++)
            {
                using var scope = NewDisposeScope();
                _ = step.Run(Batches.Gather(data, Enumerable.Range(0, 32).ToArray()), data.Labels, null);
            }

            return model.GetWeights();
        }

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Create_StudentWithoutFlattenAndInputLayoutFlat_Trains()
    {
        var data = StudentFixtures.Images(8);
        using var model = Model.Create(StudentFixtures.For("student_flat.pt", "input-layout=flat"), 1);
        using var optimizer = Optimizer.Create("sgd", model, 0.1f);
        var step = new TrainingStep(model, optimizer, new DistillationLoss(1f, 0f));

        using var scope = NewDisposeScope();
        var result = step.Run(Batches.Gather(data, Enumerable.Range(0, 8).ToArray()), data.Labels, null);

        Assert.True(double.IsFinite(result.Loss.Total));
        Assert.Equal(10, Evaluator.Evaluate(model, data).Confusion.Length);
    }

    [Fact]
    public void SetWeightsAndBuffers_EarlierCopyOfABatchNormStudent_GivesItsLogitsBack()
    {
        var data = StudentFixtures.Images(32);
        using var model = Model.Create(StudentFixtures.For("student_bn.pt"), 1);
        using var optimizer = Optimizer.Create("adam", model, 0.01f);
        var step = new TrainingStep(model, optimizer, new DistillationLoss(1f, 0f));
        void Train(int steps)
        {
            for (var i = 0; i < steps; i++)
            {
                using var scope = NewDisposeScope();
                _ = step.Run(Batches.Gather(data, Enumerable.Range(0, 32).ToArray()), data.Labels, null);
            }
        }

        Train(3);
        var (weights, buffers, logits) = (model.GetWeights(), model.GetBuffers(), Evaluator.Logits(model, data));
        Train(3);
        Assert.NotEqual(buffers, model.GetBuffers()); // training mode moved the running statistics

        model.SetWeights(weights);
        model.SetBuffers(buffers);

        Assert.Equal(4 + 4, buffers.Length); // running_mean and running_var of BatchNorm2d(4)
        Assert.Equal(logits, Evaluator.Logits(model, data));
    }

    [Fact]
    public void SetWeights_ScriptedStudent_RoundTripsThroughCheckpointsLikeAnyModel()
    {
        using var model = Model.Create(StudentFixtures.For("student.pt"), 1);
        var weights = Enumerable.Range(0, model.ParameterCount).Select(i => (i % 97) / 97f).ToArray();

        model.SetWeights(weights);

        Assert.Equal(weights, model.GetWeights());
    }

    /// <summary>
    /// Loads the TorchScript file and the safetensors state_dict in PyTorch, checks both hold the same values, writes the
    /// module's eval-mode logits on the inputs and prints the state_dict's names.
    /// </summary>
    private const string PyTorchCheck = """
        import json, struct, sys
        import numpy as np
        import torch
        script, weights, inputs, out = sys.argv[1:5]
        module = torch.jit.load(script).eval()
        with open(weights, "rb") as f:
            n = struct.unpack("<Q", f.read(8))[0]
            header = json.loads(f.read(n))
            body = f.read()
        state = module.state_dict()
        for name, info in header.items():
            if name == "__metadata__":
                continue
            begin, end = info["data_offsets"]
            values = torch.from_numpy(np.frombuffer(body[begin:end], dtype=np.float32).reshape(info["shape"]).copy())
            assert torch.equal(values, state[name].float()), name
        with torch.no_grad():
            np.save(out, module(torch.from_numpy(np.load(inputs))).numpy())
        print(sorted(state.keys()))
        """;
}
