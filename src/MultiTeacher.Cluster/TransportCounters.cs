namespace MultiTeacher.Cluster;

/// <summary>A snapshot of a <see cref="RabbitMqTransport"/>'s counters since it connected.</summary>
/// <param name="Published">Messages written to the broker (each attempt of a republished one counts).</param>
/// <param name="Confirmed">Publishes the broker confirmed.</param>
/// <param name="Republished">Publishes tried again after a nack or a lost connection.</param>
/// <param name="Delivered">Messages the broker delivered to this node's consumers.</param>
/// <param name="Redelivered">Deliveries the broker flagged as redelivered.</param>
/// <param name="Acked">Deliveries acknowledged.</param>
/// <param name="Nacked">Deliveries handed back for redelivery (the handler failed).</param>
/// <param name="DeadLettered">Deliveries moved to the dead-letter queue by this node (malformed, rejected, ...).</param>
/// <param name="BytesIn">Body bytes received.</param>
/// <param name="BytesOut">Body bytes published.</param>
public sealed record TransportCounters(
    long Published, long Confirmed, long Republished, long Delivered, long Redelivered,
    long Acked, long Nacked, long DeadLettered, long BytesIn, long BytesOut);
