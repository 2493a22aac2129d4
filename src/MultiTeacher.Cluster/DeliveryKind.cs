namespace MultiTeacher.Cluster;

/// <summary>Where a delivery came from, which decides what a failed handler does with it.</summary>
internal enum DeliveryKind
{
    /// <summary>A work queue: a failure hands the message back for any consumer (the queue's delivery limit stops loops).</summary>
    Work,

    /// <summary>A broadcast subscription: handed back once, then dead-lettered.</summary>
    Broadcast,

    /// <summary>This node's queue: handed back once, then dead-lettered.</summary>
    Node,
}
