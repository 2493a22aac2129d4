using System.Globalization;

namespace MultiTeacher.Cli.Bench;

/// <summary>
/// CPU time of a set of processes (user + system, from <c>/proc/PID/stat</c>), so a benchmark can say which process
/// used the cores: the driver, the teachers, the broker. Processes that are gone or unreadable count as zero.
/// </summary>
internal static class CpuMeter
{
    /// <summary>Clock ticks per second of <c>/proc</c> times (USER_HZ, 100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>CPU seconds used so far by the processes <paramref name="pids"/>.</summary>
    public static double Seconds(IEnumerable<int> pids) => pids.Sum(Seconds);

    /// <summary>CPU seconds used so far by process <paramref name="pid"/>, with all its threads.</summary>
    public static double Seconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            // The command name (field 2) may hold spaces; the fields after its closing parenthesis are plain.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    /// <summary>The id in a pid file (a broker's), or null when there is none.</summary>
    public static int? FromPidFile(string path)
    {
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
