namespace MultiTeacher.Configuration;

/// <summary>One HOCON text to read: how errors name it, the text, and the folder its includes are relative to.</summary>
internal sealed record HoconSource(string Name, string Text, string Directory);
