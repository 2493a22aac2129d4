using Akka.Actor;
using Akka.Configuration;

namespace MultiTeacher.Distillation;

/// <summary>
/// Creates the ActorSystems of the pipeline and of online distillation. A caller's configuration (the <c>akka { }</c>
/// block of cluster.hocon) comes first; <see cref="Defaults"/> holds only where it says nothing.
/// </summary>
public static class ActorSystems
{
    /// <summary>
    /// The one default akka configuration of this assembly: Hyperion serializes every message (so what runs in one
    /// process here runs across machines later), and warnings and errors are logged (pipeline incidents are warnings).
    /// </summary>
    public const string DefaultHocon = """
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          log-dead-letters-during-shutdown = off
          actor {
            serializers { hyperion = "Akka.Serialization.HyperionSerializer, Akka.Serialization.Hyperion" }
            serialization-bindings { "System.Object" = hyperion }
          }
        }
        """;

    /// <summary><see cref="DefaultHocon"/>, parsed.</summary>
    public static Config Defaults { get; } = ConfigurationFactory.ParseString(DefaultHocon);

    /// <summary>An ActorSystem named <paramref name="name"/> configured by <paramref name="config"/> over <see cref="Defaults"/>.</summary>
    public static ActorSystem Create(string name, Config? config = null) =>
        ActorSystem.Create(name, config is null || config.IsEmpty ? Defaults : config.WithFallback(Defaults));
}
