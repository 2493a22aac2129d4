namespace MultiTeacher.Distillation.Reports;

/// <summary>What a run with feature terms reports beside its accuracy.</summary>
/// <param name="Terms">The feature terms, for example <c>attention(3)</c>.</param>
/// <param name="AttentionMaps">Whether attention-only features travelled as attention maps.</param>
/// <param name="Float16">Whether feature values travelled as float16.</param>
/// <param name="LogitBytesPerShard">Bytes of logit values per shard, summed over teachers.</param>
/// <param name="FeatureBytesPerShard">Bytes of feature values per shard, summed over teachers.</param>
/// <param name="LastEpochTerms">Mean loss per term in the last epoch: <c>ce</c>, <c>kd</c> and each feature term before its weight.</param>
public sealed record FeatureSummary(IReadOnlyList<string> Terms, bool AttentionMaps, bool Float16, long LogitBytesPerShard, long FeatureBytesPerShard,
    IReadOnlyDictionary<string, double> LastEpochTerms);
