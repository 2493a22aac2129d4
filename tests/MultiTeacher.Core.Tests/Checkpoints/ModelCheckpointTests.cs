using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Tests.Data;

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
        Assert.Equal(model.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), file.Metadata["params"]);
    }

    [Fact]
    public void Load_SavedModel_RestoresEveryWeightAndTheOutputs()
    {
        using var dir = new TempDirectory();
        var model = Model.Create("cnn:8-8-16", 3);
        var path = Path.Combine(dir.Path, "cnn.safetensors");
        ModelCheckpoint.Save(model, path);

        var loaded = ModelCheckpoint.Load(path);

        Assert.Equal(model.Parameters.Values, loaded.Model.Parameters.Values);
        var input = new Tensors.Tensor(2, 784);
        input.Span.Fill(0.5f);
        Assert.Equal(model.Forward(input, false).Span.ToArray(), loaded.Model.Forward(input, false).Span.ToArray());
    }

    [Fact]
    public void Load_FileWrittenFromPyTorchStateDict_HasPyTorchsWeights()
    {
        var loaded = ModelCheckpoint.Load(TestPaths.Fixture("tiny_mlp.safetensors"));

        var p = loaded.Model.Parameters;
        Assert.Equal("mlp:4-3-2", loaded.Model.Architecture.Text);
        Assert.Equal(Npy.Read(TestPaths.Fixture("tiny_mlp_0_weight.npy")).AsFloat32(), p.Value(p["0.weight"]).ToArray());
        Assert.Equal(Npy.Read(TestPaths.Fixture("tiny_mlp_2_bias.npy")).AsFloat32(), p.Value(p["2.bias"]).ToArray());
    }

    [Fact]
    public void Load_TensorOfAnotherShape_NamesTensorAndBothShapes()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "bad.safetensors");
        var small = Model.Create("mlp:784-32-10", 1);
        var tensors = small.Parameters.Parameters
            .Select(p => new SafetensorsTensor(p.Name, p.Shape, small.Parameters.Values.AsMemory(p.Offset, p.Length))).ToList();
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
}
