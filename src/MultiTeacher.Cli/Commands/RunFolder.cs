using System.Globalization;

namespace MultiTeacher.Cli.Commands;

/// <summary>Names a new run folder under <c>runs/</c>: the local time, made unique.</summary>
internal static class RunFolder
{
    public static string New(string root)
    {
        var stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var path = Path.Combine(root, "runs", stamp);
        for (var i = 2; Directory.Exists(path); i++)
        {
            path = Path.Combine(root, "runs", $"{stamp}-{i}");
        }

        return path;
    }
}
