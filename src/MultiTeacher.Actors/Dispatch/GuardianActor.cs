namespace MultiTeacher.Actors.Dispatch;

/// <summary>The actor of <c>/user</c> and <c>/system</c>: handles nothing, only parents and supervises.</summary>
internal sealed class GuardianActor : ReceiveActor;
