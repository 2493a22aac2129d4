using System.Runtime.InteropServices;
using TorchSharp;

namespace MultiTeacher.Core.Torch;

/// <summary>Copies between float32 tensors and managed memory in one block (TorchSharp's accessors go element by element).</summary>
public static class TensorData
{
    /// <summary>The elements of <paramref name="tensor"/> (any device, any layout) in C order, as a new array.</summary>
    public static float[] ToArray(torch.Tensor tensor)
    {
        var values = new float[tensor.numel()];
        CopyTo(tensor, values);
        return values;
    }

    /// <summary>Copies the elements of <paramref name="tensor"/> in C order into <paramref name="destination"/> (exactly as long).</summary>
    public static void CopyTo(torch.Tensor tensor, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.device_type == DeviceType.CPU && tensor.dtype == torch.float32 && tensor.is_contiguous())
        {
            // Already what the copy would make (logits and targets of a step are): read its memory, no tensor made.
            var floats = MemoryMarshal.Cast<byte, float>(tensor.bytes);
            if (floats.Length != destination.Length)
            {
                throw new ArgumentException($"a tensor of {floats.Length} elements cannot fill {destination.Length} floats");
            }

            floats.CopyTo(destination);
            return;
        }

        using var scope = torch.NewDisposeScope();
        var cpu = tensor.detach().to(torch.CPU).to_type(torch.float32).contiguous();
        if (cpu.numel() != destination.Length)
        {
            throw new ArgumentException($"a tensor of {cpu.numel()} elements cannot fill {destination.Length} floats");
        }

        MemoryMarshal.Cast<byte, float>(cpu.bytes).CopyTo(destination);
    }

    /// <summary>A new float32 tensor of <paramref name="shape"/> holding a copy of <paramref name="values"/>, on <paramref name="device"/>.</summary>
    public static torch.Tensor From(ReadOnlySpan<float> values, ReadOnlySpan<long> shape, torch.Device? device = null)
    {
        var tensor = torch.empty(shape, torch.float32);
        if (tensor.numel() != values.Length)
        {
            tensor.Dispose();
            throw new ArgumentException($"{values.Length} floats cannot fill a tensor of shape ({string.Join(", ", shape.ToArray())})");
        }

        values.CopyTo(MemoryMarshal.Cast<byte, float>(tensor.bytes));
        if (device is null || device.type == DeviceType.CPU)
        {
            return tensor;
        }

        using (tensor)
        {
            return tensor.to(device);
        }
    }

    /// <summary>A new int64 tensor of the given values (labels, row indices), on <paramref name="device"/>.</summary>
    public static torch.Tensor Indices(ReadOnlySpan<int> values, torch.Device? device = null)
    {
        var tensor = torch.empty(values.Length, torch.int64);
        var destination = MemoryMarshal.Cast<byte, long>(tensor.bytes);
        for (var i = 0; i < values.Length; i++)
        {
            destination[i] = values[i];
        }

        if (device is null || device.type == DeviceType.CPU)
        {
            return tensor;
        }

        using (tensor)
        {
            return tensor.to(device);
        }
    }

    /// <summary>The index of the largest value of each row of (B, C) <paramref name="logits"/> (ties: the first).</summary>
    public static int[] ArgMax(torch.Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        using var scope = torch.NewDisposeScope();
        var indices = logits.detach().argmax(1).to(torch.CPU).contiguous();
        return Array.ConvertAll(MemoryMarshal.Cast<byte, long>(indices.bytes).ToArray(), v => (int)v);
    }
}
