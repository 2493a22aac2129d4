namespace MultiTeacher.Core.Teachers;

/// <summary>What a teacher returned for a batch with features: its logits and one output per <see cref="FeatureRequest"/>.</summary>
/// <param name="Logits">The logits, as <see cref="ITeacherNetwork.Run"/> returns them.</param>
/// <param name="Features">The features (or attention maps) in the order of the requests: values row-major and shape.</param>
public sealed record TeacherFeatures(TeacherOutput Logits, IReadOnlyList<TeacherOutput> Features);
