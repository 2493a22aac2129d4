namespace MultiTeacher.Actors;

/// <summary>What a supervisor does with a child that failed.</summary>
public enum Directive
{
    /// <summary>Keep the instance and its state; continue with the next message.</summary>
    Resume,

    /// <summary>Replace the instance with a fresh one from its props; the mailbox and the reference stay.</summary>
    Restart,

    /// <summary>Stop the child.</summary>
    Stop,

    /// <summary>Fail the supervisor itself with the child's exception; its own supervisor decides.</summary>
    Escalate,
}
