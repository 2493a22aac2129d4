using System.Runtime.CompilerServices;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MultiTeacher.Core.Training;

/// <summary>
/// Mini-batches of a <see cref="Dataset"/> as tensors: each dataset's inputs are seen by torch as one (N, features) CPU
/// tensor over the dataset's own array (no copy), and a batch is gathered from it into a new tensor on the configured
/// device.
/// </summary>
public static class Batches
{
    private static readonly ConditionalWeakTable<Dataset, Tensor> s_inputs = [];

    /// <summary>The inputs of <paramref name="data"/> as an (N, features) CPU tensor sharing the dataset's memory.</summary>
    public static Tensor Inputs(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        TorchRuntime.EnsureLoaded();
        return s_inputs.GetValue(data, d =>
        {
            // Not owned by any dispose scope: it lives as long as the dataset.
            using var flat = from_array(d.Inputs, ScalarType.Float32).DetachFromDisposeScope();
            return flat.view(d.Count, d.Features).DetachFromDisposeScope();
        });
    }

    /// <summary>Rows <paramref name="rows"/> of <paramref name="data"/>, in that order: (rows.Length, features) on the device.</summary>
    public static Tensor Gather(Dataset data, ReadOnlySpan<int> rows)
    {
        using var index = TensorData.Indices(rows);
        return OnDevice(Inputs(data).index_select(0, index));
    }

    /// <summary>The consecutive rows [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>), copied to a new tensor on the device.</summary>
    public static Tensor Range(Dataset data, int first, int count) => OnDevice(Inputs(data).narrow(0, first, count).clone());

    private static Tensor OnDevice(Tensor batch)
    {
        var device = TorchRuntime.Device;
        if (device.type == DeviceType.CPU)
        {
            return batch;
        }

        using (batch)
        {
            return batch.to(device);
        }
    }
}
