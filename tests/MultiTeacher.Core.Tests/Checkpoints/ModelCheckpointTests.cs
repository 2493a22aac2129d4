using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Tests.Data;
using MultiTeacher.Core.Torch;
using TorchSharp;

namespace MultiTeacher.Core.Tests.Checkpoints;

public sealed class ModelCheckpointTests
{
    [Theory]
    [InlineData("mlp:784-64-10", new[] { "0.weight", "0.bias", "2.weight", "2.bias" })]
    [InlineData("mlp:784-32-32-10?dropout=0.2", new[] { "0.weight", "0.bias", "3.weight", "3.bias", "6.weight", "6.bias" })]
    [InlineData("cnn:32-64-128", new[] { "0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias" })]
    public void Save_Model_WritesStateDictNamesAndArchitecture(string arch, string[] names)
    {
        using var dir = new TempDirectory();
        var model = Model.Create(arch, 7);
        var path = Path.Combine(dir.Path, "m.safetensors");

        ModelCheckpoint.Save(model, path, new Dictionary<string, string> { ["seed"] = "7" });

        var file = Safetensors.Read(path);
        Assert.Equal(names, file.Tensors.Select(t => t.Name).ToArray());
        Assert.Equal(arch, file.Metadata["arch"]);
        Assert.Equal("7", file.Metadata["seed"]);
        Assert.Equal(model.ParameterCount.ToString(System.Globalization.CultureInfo.InvariantCulture), file.Metadata["params"]);
    }

    [Fact]
    public void Load_SavedModel_RestoresEveryWeightAndTheOutputs()
    {
        using var dir = new TempDirectory();
        var model = Model.Create("cnn:8-8-16", 3);
        var path = Path.Combine(dir.Path, "cnn.safetensors");
        ModelCheckpoint.Save(model, path);

        var loaded = ModelCheckpoint.Load(path);

        Assert.Equal(model.GetWeights(), loaded.Model.GetWeights());
        using var scope = torch.NewDisposeScope();
        var input = torch.full(2, 784, 0.5f);
        model.eval();
        loaded.Model.eval();
        Assert.Equal(TensorData.ToArray(model.forward(input)), TensorData.ToArray(loaded.Model.forward(input)));
    }

    [Fact]
    public void Load_FileWrittenFromPyTorchStateDict_HasPyTorchsWeights()
    {
        var loaded = ModelCheckpoint.Load(TestPaths.Fixture("tiny_mlp.safetensors"));

        var state = loaded.Model.state_dict();
        Assert.Equal("mlp:4-3-2", loaded.Model.Architecture.Text);
        Assert.Equal(Npy.Read(TestPaths.Fixture("tiny_mlp_0_weight.npy")).AsFloat32(), TensorData.ToArray(state["0.weight"]));
        Assert.Equal(Npy.Read(TestPaths.Fixture("tiny_mlp_2_bias.npy")).AsFloat32(), TensorData.ToArray(state["2.bias"]));
    }

    [Fact]
    public void Load_TensorOfAnotherShape_NamesTensorAndBothShapes()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "bad.safetensors");
        using var small = Model.Create("mlp:784-32-10", 1);
        var state = small.state_dict();
        var tensors = small.Layout.Select(p => new SafetensorsTensor(p.Name, p.Shape, TensorData.ToArray(state[p.Name]))).ToList();
        Safetensors.Write(path, tensors, new Dictionary<string, string> { ["arch"] = "mlp:784-64-10" });

        var e = Assert.Throws<DataFormatException>(() => ModelCheckpoint.Load(path));

        Assert.Contains("bad.safetensors", e.Message);
        Assert.Contains("'0.weight' has shape [32, 784]", e.Message);
        Assert.Contains("expects [64, 784]", e.Message);
    }

    [Fact]
    public void Load_NoArchitectureInMetadata_SaysWhatIsMissing()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "noarch.safetensors");
        Safetensors.Write(path, [new SafetensorsTensor("0.weight", [1], new float[1])]);

        var e = Assert.Throws<DataFormatException>(() => ModelCheckpoint.Load(path));

        Assert.Contains("no 'arch' in __metadata__", e.Message);
    }

    [Fact]
    public void Load_UnknownArchitecture_NamesFileAndArchitecture()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "weird.safetensors");
        Safetensors.Write(path, [new SafetensorsTensor("0.weight", [1], new float[1])], new Dictionary<string, string> { ["arch"] = "rnn:3-4" });

        var e = Assert.Throws<DataFormatException>(() => ModelCheckpoint.Load(path));

        Assert.Contains("weird.safetensors", e.Message);
        Assert.Contains("unknown kind 'rnn'", e.Message);
    }

    [Fact]
    public void Load_NotASafetensorsFileAtAll_SaysSo()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "passwd");
        File.WriteAllText(path, "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n");

        var e = Assert.Throws<DataFormatException>(() => ModelCheckpoint.Load(path));

        Assert.Contains("not a safetensors file: it starts with the text \"root:x:0:0:root:/root:/b\"", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FileTrainedByThePreviousCore_LoadsAndKeepsItsAccuracy()
    {
        // Written by `mt train-teacher --arch mlp:784-16-10 --epochs 1 --seed 3` of the hand-written core (before
        // TorchSharp): same names, shapes and layout, so it loads as it is and evaluates to the accuracy it recorded.
        var loaded = ModelCheckpoint.Load(TestPaths.Fixture("old_core_mlp.safetensors"));
        var test = DatasetCatalog.Load(null, "test");

        var accuracy = MultiTeacher.Core.Training.Evaluator.Evaluate(loaded.Model, test).Accuracy;

        Assert.Equal("mlp:784-16-10", loaded.Model.Architecture.Text);
        Assert.Equal(double.Parse(loaded.Metadata["test_accuracy"], System.Globalization.CultureInfo.InvariantCulture), accuracy, 4);
    }

    [Fact]
    public void Load_TorchSaveStateDict_WithItsArchitecture_HasPyTorchsWeights()
    {
        // tiny_mlp.pt is torch.save(model.state_dict()) of the model in tiny_mlp.safetensors (make_npy_fixtures.py).
        var fromPyTorch = ModelCheckpoint.Load(TestPaths.Fixture("tiny_mlp.pt"), "mlp:4-3-2");
        var fromSafetensors = ModelCheckpoint.Load(TestPaths.Fixture("tiny_mlp.safetensors"));

        Assert.Equal(fromSafetensors.Model.GetWeights(), fromPyTorch.Model.GetWeights());
        Assert.Equal("mlp:4-3-2", fromPyTorch.Metadata["arch"]);
    }

    [Fact]
    public void Load_TorchSaveWithoutArchitectureOrOfAnother_SaysWhat()
    {
        var missing = Assert.Throws<DataFormatException>(() => ModelCheckpoint.Load(TestPaths.Fixture("tiny_mlp.pt")));
        Assert.Contains("holds no architecture string", missing.Message, StringComparison.Ordinal);

        var other = Assert.Throws<DataFormatException>(() => ModelCheckpoint.Load(TestPaths.Fixture("tiny_mlp.pt"), "mlp:4-5-2"));
        Assert.Contains("not a state_dict of mlp:4-5-2", other.Message, StringComparison.Ordinal);
    }
}
