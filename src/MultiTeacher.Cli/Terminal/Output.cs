using Spectre.Console;

namespace MultiTeacher.Cli.Terminal;

/// <summary>
/// Standard output for tables and result lines: styled on a terminal; plain text without ANSI codes, and never wrapped,
/// when it goes to a pipe or a file.
/// </summary>
internal static class Output
{
    public static IAnsiConsole Console { get; } = Create();

    private static IAnsiConsole Create()
    {
        var redirected = System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Out = new AnsiConsoleOutput(System.Console.Out),
        });
        if (redirected)
        {
            // A file has no width: a table takes the width of its contents.
            console.Profile.Width = 4096;
        }

        return console;
    }
}
