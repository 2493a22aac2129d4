using System.Buffers;
using System.Runtime.Intrinsics;

namespace MultiTeacher.Core.Numerics;

/// <summary>
/// A blocked SIMD GEMM in managed code, used when OpenBLAS is absent. Panels of op(A) and op(B) are packed into
/// contiguous buffers and a 6×16 register-tile micro-kernel (Vector256 FMA) does the arithmetic; row blocks are spread
/// over <see cref="Threads"/> threads.
/// </summary>
public sealed unsafe class ManagedGemm : IGemm
{
    private const int Mr = 6;
    private const int Nr = 16;
    private const int Kc = 256;
    private const int Mc = 96;
    private const long ParallelThreshold = 1L << 18;

    /// <summary>Creates the backend with the given number of threads.</summary>
    public ManagedGemm(int threads = 1) => Threads = threads;

    /// <summary>Threads used for large products.</summary>
    public int Threads { get; set; }

    /// <inheritdoc />
    public string Name => Vector256.IsHardwareAccelerated ? "managed-simd" : "managed";

    /// <inheritdoc />
    public void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmArguments.Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0)
        {
            return;
        }

        ScaleC(c, m, n, ldc, beta);
        if (k == 0 || alpha == 0)
        {
            return;
        }

        var panelsN = (n + Nr - 1) / Nr;
        var packedB = ArrayPool<float>.Shared.Rent(Kc * panelsN * Nr);
        try
        {
            fixed (float* pa = a, pb = b, pc = c, bp = packedB)
            {
                var job = new Job(transA, pa, lda, pc, ldc, bp, m, n, alpha);
                for (var p0 = 0; p0 < k; p0 += Kc)
                {
                    var kc = Math.Min(Kc, k - p0);
                    PackB(transB, pb, ldb, p0, kc, n, bp);
                    job.P0 = p0;
                    job.BlockK = kc;
                    var blocks = (m + Mc - 1) / Mc;
                    if (Threads > 1 && blocks > 1 && (long)m * n * kc >= ParallelThreshold)
                    {
                        var options = new ParallelOptions { MaxDegreeOfParallelism = Threads };
                        Parallel.For(0, blocks, options, job.RunBlock);
                    }
                    else
                    {
                        for (var block = 0; block < blocks; block++)
                        {
                            job.RunBlock(block);
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packedB);
        }
    }

    private static void ScaleC(Span<float> c, int m, int n, int ldc, float beta)
    {
        if (beta == 1)
        {
            return;
        }

        for (var i = 0; i < m; i++)
        {
            var row = c.Slice(i * ldc, n);
            if (beta == 0)
            {
                row.Clear();
            }
            else
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
            }
        }
    }

    /// <summary>Packs rows p0..p0+kc of op(B) into panels of Nr columns, zero-padded: panel j holds kc×Nr floats.</summary>
    private static void PackB(bool transB, float* b, int ldb, int p0, int kc, int n, float* dst)
    {
        for (var j0 = 0; j0 < n; j0 += Nr)
        {
            var cols = Math.Min(Nr, n - j0);
            var panel = dst + j0 * kc;
            for (var p = 0; p < kc; p++)
            {
                var row = panel + p * Nr;
                for (var j = 0; j < cols; j++)
                {
                    row[j] = transB ? b[(j0 + j) * (long)ldb + p0 + p] : b[(p0 + p) * (long)ldb + j0 + j];
                }

                for (var j = cols; j < Nr; j++)
                {
                    row[j] = 0;
                }
            }
        }
    }

    /// <summary>One multiply's shared state; <see cref="RunBlock"/> handles Mc rows of C for the current K block.</summary>
    private sealed class Job(bool transA, float* a, int lda, float* c, int ldc, float* packedB, int m, int n, float alpha)
    {
        public int P0;

        /// <summary>Depth of the current K block (at most the constant <c>Kc</c>).</summary>
        public int BlockK;

        public void RunBlock(int block)
        {
            var i0 = block * Mc;
            var mc = Math.Min(Mc, m - i0);
            var panelsM = (mc + Mr - 1) / Mr;
            var packedA = ArrayPool<float>.Shared.Rent(panelsM * Mr * BlockK);
            Span<float> tile = stackalloc float[Mr * Nr];
            try
            {
                fixed (float* ap = packedA)
                fixed (float* tp = tile)
                {
                    PackA(i0, mc, ap);
                    for (var j0 = 0; j0 < n; j0 += Nr)
                    {
                        var cols = Math.Min(Nr, n - j0);
                        var bPanel = packedB + j0 * BlockK;
                        for (var r0 = 0; r0 < mc; r0 += Mr)
                        {
                            var rows = Math.Min(Mr, mc - r0);
                            Kernel(BlockK, ap + r0 * BlockK, bPanel, tp);
                            AddTile(tp, c + (i0 + r0) * (long)ldc + j0, ldc, rows, cols, alpha);
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(packedA);
            }
        }

        /// <summary>Packs op(A) rows i0..i0+mc, columns P0..P0+Kc, into panels of Mr rows: element (r, p) at p·Mr + r.</summary>
        private void PackA(int i0, int mc, float* dst)
        {
            for (var r0 = 0; r0 < mc; r0 += Mr)
            {
                var rows = Math.Min(Mr, mc - r0);
                var panel = dst + r0 * BlockK;
                for (var p = 0; p < BlockK; p++)
                {
                    for (var r = 0; r < Mr; r++)
                    {
                        var i = i0 + r0 + r;
                        panel[p * Mr + r] = r >= rows ? 0 : transA ? a[(P0 + p) * (long)lda + i] : a[i * (long)lda + P0 + p];
                    }
                }
            }
        }
    }

    /// <summary>tile (Mr×Nr) = packed A panel (kc×Mr) · packed B panel (kc×Nr).</summary>
    private static void Kernel(int kc, float* a, float* b, float* tile)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            ScalarKernel(kc, a, b, tile);
            return;
        }

        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var a0 = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(a4, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(a5, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(a5, b1, c51);
            a += Mr;
            b += Nr;
        }

        c00.Store(tile); c01.Store(tile + 8);
        c10.Store(tile + 16); c11.Store(tile + 24);
        c20.Store(tile + 32); c21.Store(tile + 40);
        c30.Store(tile + 48); c31.Store(tile + 56);
        c40.Store(tile + 64); c41.Store(tile + 72);
        c50.Store(tile + 80); c51.Store(tile + 88);
    }

    private static void ScalarKernel(int kc, float* a, float* b, float* tile)
    {
        new Span<float>(tile, Mr * Nr).Clear();
        for (var p = 0; p < kc; p++)
        {
            for (var r = 0; r < Mr; r++)
            {
                for (var j = 0; j < Nr; j++)
                {
                    tile[r * Nr + j] += a[p * Mr + r] * b[p * Nr + j];
                }
            }
        }
    }

    private static void AddTile(float* tile, float* c, int ldc, int rows, int cols, float alpha)
    {
        for (var r = 0; r < rows; r++)
        {
            var cRow = c + r * (long)ldc;
            var tRow = tile + r * Nr;
            for (var j = 0; j < cols; j++)
            {
                cRow[j] += alpha * tRow[j];
            }
        }
    }
}
