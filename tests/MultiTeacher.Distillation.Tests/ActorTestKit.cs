using Akka.Configuration;
using Akka.TestKit;
using MultiTeacher.Configuration;

namespace MultiTeacher.Distillation.Tests;

/// <summary>
/// Akka's TestKit under the configuration every actor test runs with: every message that enters a mailbox, and every
/// argument of a props that is not local-only, is round-tripped through Hyperion (a message that could not cross a
/// machine fails here, not on a cluster later), and the scheduler is Akka's <see cref="TestScheduler"/>, so deadlines
/// and timeouts pass when a test advances virtual time, never on the wall clock.
/// </summary>
public abstract class ActorTestKit() : Akka.TestKit.Xunit2.TestKit(TestConfig)
{
    /// <summary>serialize-messages and serialize-creators on, over the product's built-in
    /// defaults (the akka block of the embedded reference.conf: Hyperion for every message), without the machine's MT_ variables.</summary>
    public static Config Serialized { get; } = ConfigurationFactory.ParseString("""
        akka.actor.serialize-messages = on
        akka.actor.serialize-creators = on
        """).WithFallback(MultiTeacherConfiguration.Load(null, [], new Dictionary<string, string>()).Config);

    /// <summary><see cref="Serialized"/> with virtual time.</summary>
    public static Config TestConfig { get; } = ConfigurationFactory.ParseString("""
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        # The product's config names its own loggers; EventFilter needs the TestKit's.
        akka.loggers = ["Akka.TestKit.TestEventListener, Akka.TestKit"]
        """).WithFallback(Serialized);

    /// <summary>The system's scheduler: <see cref="TestScheduler.Advance"/> moves virtual time on.</summary>
    protected TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;
}
