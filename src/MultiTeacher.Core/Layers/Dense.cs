using MultiTeacher.Core.Models;
using MultiTeacher.Core.Numerics;
using MultiTeacher.Core.Tensors;

namespace MultiTeacher.Core.Layers;

/// <summary>Fully connected layer, PyTorch's <c>nn.Linear</c>: <c>y = x·Wᵀ + b</c>, W of shape [out, in].</summary>
public sealed class Dense : Layer
{
    private readonly int _in;
    private readonly int _out;
    private readonly Tensor _output = new(0, 0);     // (B, out)
    private readonly Tensor _gradInput = new(0, 0);  // (B, in)
    private ParameterSet? _parameters;
    private Parameter? _weight;                      // [out, in]
    private Parameter? _bias;                        // [out]
    private Tensor? _input;                          // (B, in), the previous layer's output

    /// <summary>Creates a dense layer from <paramref name="inputs"/> to <paramref name="outputs"/> features.</summary>
    public Dense(int inputs, int outputs) : base([inputs], [outputs])
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputs);
        _in = inputs;
        _out = outputs;
    }

    /// <inheritdoc />
    public override string Description => $"Dense({_in}→{_out})";

    /// <inheritdoc />
    public override IReadOnlyList<(string Suffix, int[] Shape)> ParameterShapes => [("weight", [_out, _in]), ("bias", [_out])];

    /// <inheritdoc />
    public override void Bind(ParameterSet parameters)
    {
        _parameters = parameters;
        _weight = parameters[$"{Name}.weight"];
        _bias = parameters[$"{Name}.bias"];
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input, bool training)
    {
        CheckBatch(input, InputShape, "input");
        var p = Bound();
        var batch = input.Dim(0);
        _input = input;
        _output.Reshape(batch, _out);
        Kernels.FillRows(_output.Span, batch, p.Value(_bias!));
        Gemm.Sgemm(false, true, batch, _out, _in, 1f, input.Span, _in, p.Value(_weight!), _in, 1f, _output.Span, _out);
        return _output;
    }

    /// <inheritdoc />
    public override Tensor Backward(Tensor gradOutput)
    {
        CheckGradient(gradOutput, _input is null ? null : _output);
        var p = Bound();
        var batch = gradOutput.Dim(0);
        // dW (out, in) += dYᵀ (out, B) · X (B, in)
        Gemm.Sgemm(true, false, _out, _in, batch, 1f, gradOutput.Span, _out, _input!.Span, _in, 1f, p.Gradient(_weight!), _in);
        Kernels.AccumulateColumnSums(gradOutput.Span, batch, p.Gradient(_bias!));
        _gradInput.Reshape(batch, _in);
        if (ComputesInputGradient)
        {
            // dX (B, in) = dY (B, out) · W (out, in)
            Gemm.Sgemm(false, false, batch, _in, _out, 1f, gradOutput.Span, _out, p.Value(_weight!), _in, 0f, _gradInput.Span, _in);
        }

        return _gradInput;
    }

    private ParameterSet Bound() => _parameters ?? throw new InvalidOperationException($"layer {Name} {Description} has no parameters bound");
}
