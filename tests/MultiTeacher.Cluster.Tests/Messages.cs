using System.Text;

namespace MultiTeacher.Cluster.Tests;

/// <summary>A test message with a readable wire form.</summary>
public sealed record Job(int Id, string Text);

/// <summary>A reply or an output.</summary>
public sealed record Done(int Id, string By);

/// <summary>A large payload.</summary>
public sealed record Blob(int Version, byte[] Data);

internal static class TestSerializers
{
    public static MessageSerializerRegistry Create() => new MessageSerializerRegistry()
        .Add<Job>("test.Job", j => Encoding.UTF8.GetBytes($"{j.Id}|{j.Text}"), bytes =>
        {
            var parts = Encoding.UTF8.GetString(bytes).Split('|', 2);
            return new Job(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), parts[1]);
        }, j => $"job/{j.Id}")
        .Add<Done>("test.Done", d => Encoding.UTF8.GetBytes($"{d.Id}|{d.By}"), bytes =>
        {
            var parts = Encoding.UTF8.GetString(bytes).Split('|', 2);
            return new Done(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), parts[1]);
        })
        .Add<Blob>("test.Blob", WriteBlob, bytes => new Blob(BitConverter.ToInt32(bytes[..4]), bytes[4..].ToArray()))
        .AddProtobuf<Wire.Heartbeat>();

    private static byte[] WriteBlob(Blob blob)
    {
        var bytes = new byte[4 + blob.Data.Length];
        BitConverter.TryWriteBytes(bytes, blob.Version);
        blob.Data.CopyTo(bytes.AsSpan(4));
        return bytes;
    }
}
