using MultiTeacher.Core.Data;

namespace MultiTeacher.Core.Tests.Teachers;

/// <summary>The PyTorch-made teachers of tests/pytorch/generate_teachers.py (committed under Teachers/Fixtures).</summary>
internal static class TeacherFixtures
{
    public static string File(string name) => Path.Combine(Directory.GetParent(Data.TestPaths.Fixture("x"))!.Parent!.Parent!.FullName, "Teachers", "Fixtures", name);

    /// <summary>The 32 Fashion-MNIST test images the fixtures' logits were computed on, as a 10-class dataset (labels unused).</summary>
    public static Dataset Inputs()
    {
        var inputs = Npy.Read(File("inputs.npy")).AsFloat32();
        return new Dataset("fixture-inputs", inputs, new int[32], 10, [1, 28, 28]);
    }

    /// <summary>PyTorch's logits of fixture <paramref name="name"/> on <see cref="Inputs"/>, (32 × 10).</summary>
    public static float[] PyTorchLogits(string name) => Npy.Read(File(name + ".logits.npy")).AsFloat32();
}
