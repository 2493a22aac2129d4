namespace MultiTeacher.Actors.Tests;

/// <summary>Blocks the receiving actor inside an async handler until the gate opens.</summary>
public sealed record Block(TaskCompletionSource Gate);

public sealed record Blocked(string Actor);

public sealed record Unblocked(string Actor);

public sealed record Handled(object Message, int Instance);

public sealed record Numbered(int Sender, int Sequence);

public sealed record Started(string Actor, int Instance);

public sealed record Stopped(string Actor);

public sealed record Restarting(string Actor, string Reason, object? Message);

public sealed record Restarted(string Actor, string Reason, int Instance);

public sealed record GetChild;

public sealed record GetState;

public sealed record State(int Count, int Overlaps);
