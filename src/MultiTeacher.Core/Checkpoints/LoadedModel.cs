using MultiTeacher.Core.Models;

namespace MultiTeacher.Core.Checkpoints;

/// <summary>A model read from a file, with the file's metadata.</summary>
/// <param name="Model">The model with the file's weights.</param>
/// <param name="Metadata">The file's <c>__metadata__</c>.</param>
/// <param name="Path">The file it came from.</param>
public sealed record LoadedModel(Model Model, IReadOnlyDictionary<string, string> Metadata, string Path);
