namespace MultiTeacher.Core.Teachers;

/// <summary>Shortens the multi-line errors of LibTorch and ONNX Runtime to the line that says what went wrong.</summary>
internal static class NativeError
{
    /// <summary>The line of <paramref name="message"/> naming the error (a <c>...Error:</c> line, else the first non-empty one).</summary>
    public static string Summarize(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var named = lines.LastOrDefault(l => l.StartsWith("RuntimeError:", StringComparison.Ordinal) || l.Contains("Error:", StringComparison.Ordinal));
        var line = named ?? lines.FirstOrDefault() ?? message;
        return line.Length > 400 ? line[..400] + "..." : line;
    }
}
