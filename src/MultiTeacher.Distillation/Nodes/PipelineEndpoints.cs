namespace MultiTeacher.Distillation.Nodes;

/// <summary>The names of the pipeline's endpoints, the same in every process of a run.</summary>
public static class PipelineEndpoints
{
    /// <summary>The shard coordinator: trained shards, finished epochs, failed shards.</summary>
    public const string Coordinator = "coordinator";

    /// <summary>The ensemble aggregator: teacher outputs and expected shards.</summary>
    public const string Aggregator = "aggregator";

    /// <summary>The student trainer: aggregated targets.</summary>
    public const string Student = "student";

    /// <summary>The endpoint of one teacher model: shard requests, shared by every replica of that teacher.</summary>
    public static string Teacher(string teacherId) => $"teacher.{teacherId}";
}
