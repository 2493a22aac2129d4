using System.Diagnostics;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;

namespace MultiTeacher.Core.Tests.Models;

/// <summary>The PyTorch-made students of tests/pytorch/generate_students.py (committed under Models/Fixtures).</summary>
internal static class StudentFixtures
{
    public static string File(string name) => Path.Combine(Directory.GetParent(Data.TestPaths.Fixture("x"))!.Parent!.Parent!.FullName, "Models", "Fixtures", name);

    /// <summary>The scripted student of fixture <paramref name="name"/> for 1×28×28 samples in 10 classes, with extra options.</summary>
    public static Architecture For(string name, string options = "") =>
        Architecture.ForData(Architecture.ScriptedPrefix + File(name) + (options.Length == 0 ? "" : "?" + options), [1, 28, 28], 10);

    /// <summary>
    /// Runs /usr/bin/python3 with <paramref name="script"/> and <paramref name="args"/> (PyTorch comes from Debian's
    /// python3-torch, which ./mt test installs: its absence fails the test) and returns its standard output.
    /// </summary>
    public static string RunPython(string script, params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        using var python = Process.Start(start)!;
        var errors = python.StandardError.ReadToEndAsync();
        var output = python.StandardOutput.ReadToEnd();
        python.WaitForExit();
        Assert.True(python.ExitCode == 0, $"python failed: {errors.Result}");
        return output;
    }

    /// <summary>The first <paramref name="rows"/> rows of the teachers' fixture inputs (Fashion-MNIST test images) with their real labels.</summary>
    public static Dataset Images(int rows)
    {
        var inputs = Npy.Read(Teachers.TeacherFixtures.File("inputs.npy")).AsFloat32();
        var labels = Enumerable.Range(0, rows).Select(r => r % 10).ToArray();
        return new Dataset("fixture-inputs", inputs.AsSpan(0, rows * 784).ToArray(), labels, 10, [1, 28, 28]);
    }
}
