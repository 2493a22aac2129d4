using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MultiTeacher.Core.Losses.Features;

/// <summary>
/// The small learned regressor of a FitNets hint (Romero et al. 2015) that maps a student feature onto a teacher
/// feature's shape: a 1×1 convolution <c>Conv2d(C_s, C_t, 1)</c> for convolution features (C, H, W) of the same spatial
/// size, a <c>Linear(D_s, D_t)</c> for flat features (D). Its parameters are named as PyTorch's module names them
/// (<c>weight</c>, <c>bias</c>) and initialised as PyTorch does (kaiming-uniform with a = √5, bias U(±1/√fan_in)) from a
/// seeded generator. It trains with the student and is saved beside it, never as part of the exported student.
/// </summary>
public sealed class HintAdapter : nn.Module<Tensor, Tensor>
{
    private readonly Parameter _weight;
    private readonly Parameter _bias;

    private HintAdapter(int[] studentShape, int[] teacherShape, ulong seed) : base("HintAdapter")
    {
        StudentShape = studentShape;
        TeacherShape = teacherShape;
        IsConvolution = studentShape.Length == 3;
        long[] weightShape = IsConvolution ? [teacherShape[0], studentShape[0], 1, 1] : [teacherShape[0], studentShape[0]];
        _weight = new Parameter(empty(weightShape));
        _bias = new Parameter(empty(teacherShape[0]));
        using (no_grad())
        using (var generator = new Generator(seed))
        {
            var fanIn = (double)studentShape[0];
            var bound = Math.Sqrt(3.0) * Math.Sqrt(2.0 / 6.0) / Math.Sqrt(fanIn); // gain of leaky_relu with a = √5
            _ = _weight.uniform_(-bound, bound, generator);
            _ = _bias.uniform_(-1 / Math.Sqrt(fanIn), 1 / Math.Sqrt(fanIn), generator);
        }

        register_parameter("weight", _weight);
        register_parameter("bias", _bias);
    }

    /// <summary>The student feature's shape per sample: (C, H, W) or (D).</summary>
    public IReadOnlyList<int> StudentShape { get; }

    /// <summary>The teacher feature's shape per sample, which the adapter's output has.</summary>
    public IReadOnlyList<int> TeacherShape { get; }

    /// <summary>Whether the adapter is a 1×1 convolution (else a linear layer).</summary>
    public bool IsConvolution { get; }

    /// <summary>The weight: (C_t, C_s, 1, 1) or (D_t, D_s).</summary>
    public Parameter Weight => _weight;

    /// <summary>The bias (C_t) or (D_t).</summary>
    public Parameter Bias => _bias;

    /// <summary>
    /// The adapter that joins a student feature of per-sample shape <paramref name="studentShape"/> to a teacher feature
    /// of <paramref name="teacherShape"/>, initialised from <paramref name="seed"/>.
    /// </summary>
    /// <exception cref="ShapeMismatchException">No 1×1 convolution or linear layer joins the two shapes; the message names both.</exception>
    public static HintAdapter Create(IReadOnlyList<int> studentShape, IReadOnlyList<int> teacherShape, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(studentShape);
        ArgumentNullException.ThrowIfNull(teacherShape);
        var (student, teacher) = (studentShape.ToArray(), teacherShape.ToArray());
        var joinable = (student.Length, teacher.Length) switch
        {
            (3, 3) => student[1] == teacher[1] && student[2] == teacher[2],
            (1, 1) => true,
            _ => false,
        };
        if (!joinable || student.Any(d => d <= 0) || teacher.Any(d => d <= 0))
        {
            throw new ShapeMismatchException(
                $"hint: no adapter joins the student feature {ShapeText.Format(student)} to the teacher feature {ShapeText.Format(teacher)}: " +
                "a 1×1 convolution needs (C, H, W) features of the same H and W, a linear adapter needs flat (D) features");
        }

        TorchRuntime.EnsureLoaded();
        return new HintAdapter(student, teacher, seed);
    }

    /// <summary>The student feature (B, C_s, H, W) or (B, D_s) mapped to the teacher's shape.</summary>
    /// <exception cref="ShapeMismatchException">The input does not have the student shape the adapter was made for.</exception>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var shape = input.shape;
        if (shape.Length != StudentShape.Count + 1 || !shape.Skip(1).SequenceEqual(StudentShape.Select(d => (long)d)))
        {
            throw new ShapeMismatchException(
                $"hint adapter: student feature has shape {ShapeText.Format(shape)}, expected {ShapeText.FormatBatch(StudentShape.ToArray())}");
        }

        return IsConvolution ? F.conv2d(input, _weight, _bias) : F.linear(input, _weight, _bias);
    }
}
