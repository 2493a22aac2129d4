using MultiTeacher.Core.Data;

namespace MultiTeacher.Core.Teachers;

/// <summary>
/// The check every teacher passes before any work is planned: it runs on a probe batch of the run's data and must
/// return finite logits of shape (batch × the data's class count).
/// </summary>
public static class TeacherProbe
{
    /// <summary>Rows of the probe batch (fewer when the data has fewer).</summary>
    public const int ProbeRows = 16;

    /// <summary>Runs <paramref name="teacher"/> on the first rows of <paramref name="data"/> and checks what comes back.</summary>
    /// <exception cref="TeacherRefusedException">The teacher failed or its output is not finite (rows × classes); the message names the file, what was expected and what came.</exception>
    public static void Check(ITeacherNetwork teacher, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(data);
        var rows = Math.Min(ProbeRows, data.Count);
        var output = teacher.Run(data.Inputs.AsMemory(0, rows * data.Features), rows, data.SampleShape);
        CheckOutput(teacher.Path, output, rows, data);
    }

    /// <summary>Checks one batch's output: (<paramref name="rows"/> × classes of <paramref name="data"/>), every value finite.</summary>
    /// <exception cref="TeacherRefusedException">It is not.</exception>
    public static void CheckOutput(string path, TeacherOutput output, int rows, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(data);
        var shape = output.Shape;
        if (shape.Length != 2 || shape[0] != rows || shape[1] != data.Classes)
        {
            var why = shape.Length == 2 && shape[0] == rows
                ? $"it predicts {shape[1]} classes, the data has {data.Classes} classes"
                : "logits must be one row of class scores per sample";
            throw new TeacherRefusedException(path,
                $"expected logits of shape ({rows}, {data.Classes}) for {rows} rows of {data.Name}, got {output.ShapeText}: {why}");
        }

        var values = output.Values;
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                var kind = float.IsNaN(values[i]) ? "NaN" : "infinity";
                throw new TeacherRefusedException(path,
                    $"expected finite logits, got {kind} at row {i / data.Classes}, class {i % data.Classes} of a batch of {rows} rows of {data.Name}");
            }
        }
    }
}
