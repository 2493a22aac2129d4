namespace MultiTeacher.Configuration.Hocon;

internal enum HoconScalarKind
{
    String,
    Number,
    Boolean,
    Null,
}
