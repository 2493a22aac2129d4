using System.CommandLine;
using MultiTeacher.Configuration;

namespace MultiTeacher.Cli.Commands;

/// <summary><c>mt config show</c>: the resolved configuration, as the commands and the ActorSystem see it, secrets masked.</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var config = new Command("config", "Inspect the configuration (cluster.hocon).");
        config.Subcommands.Add(CreateShow());
        return config;
    }

    private static Command CreateShow()
    {
        var file = new Option<string>("--config")
        {
            Description = "The HOCON file to show.",
            DefaultValueFactory = _ => MultiTeacherConfiguration.DefaultFileName,
        };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of HOCON." };
        var set = new Option<string[]>("--set")
        {
            Description = "Override a key: --set key.path=value (repeatable; wins over MT_ environment variables).",
        };
        var withDefaults = new Option<bool>("--with-defaults")
        {
            Description = "Also show Akka's own defaults beneath (every core akka.* setting the ActorSystem starts from).",
        };
        var show = new Command("show",
            "Print the resolved tree: the built-in defaults, the file, MT_ environment variables and --set overrides, "
            + "secrets masked.") { file, json, set, withDefaults };
        show.SetAction((parse, token) => CommandRunner.Run(_ =>
        {
            Console.Out.Write(MultiTeacherConfiguration.Show(parse.GetValue(file)!, parse.GetValue(set) ?? [], parse.GetValue(json), parse.GetValue(withDefaults)));
            return 0;
        }, token));
        return show;
    }
}
