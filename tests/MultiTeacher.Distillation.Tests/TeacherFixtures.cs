using MultiTeacher.Core.Data;

namespace MultiTeacher.Distillation.Tests;

/// <summary>The committed teacher fixtures (tests/MultiTeacher.Core.Tests/Teachers/Fixtures, written by tests/pytorch scripts).</summary>
internal static class TeacherFixtures
{
    /// <summary>The 32 fixture images the PyTorch outputs beside the fixtures were computed on.</summary>
    public static Dataset Inputs() => new("fixture-inputs", Npy.Read(PathOf("inputs.npy")).AsFloat32(), new int[32], 10, [1, 28, 28]);

    /// <summary>The path of a fixture file, relative to the fixture folder.</summary>
    public static string PathOf(string name)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MultiTeacher.sln")))
            {
                return Path.Combine(directory.FullName, "tests", "MultiTeacher.Core.Tests", "Teachers", "Fixtures", name);
            }
        }

        throw new DirectoryNotFoundException($"no MultiTeacher.sln above {AppContext.BaseDirectory}");
    }
}
