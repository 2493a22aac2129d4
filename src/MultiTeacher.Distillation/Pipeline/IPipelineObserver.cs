namespace MultiTeacher.Distillation.Pipeline;

/// <summary>Receives the coordinator's view of a run (called from the coordinator's thread, one call at a time).</summary>
public interface IPipelineObserver
{
    /// <summary>A shard was trained; <paramref name="trained"/> of <paramref name="total"/> are done.</summary>
    void ShardTrained(int trained, int total);

    /// <summary>The student finished an epoch.</summary>
    void EpochCompleted(StudentEpochCompleted epoch);

    /// <summary>Every shard was trained.</summary>
    void Completed();

    /// <summary>The run cannot finish.</summary>
    void Failed(Exception reason);
}
