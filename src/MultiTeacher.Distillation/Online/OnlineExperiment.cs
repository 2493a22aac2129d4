using System.Diagnostics;
using System.Globalization;
using Akka.Configuration;
using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using MultiTeacher.Core.Training;
using MultiTeacher.Distillation.Experiments;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Reports;
using MultiTeacher.Core.Teachers;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Online;

/// <summary>
/// Runs <c>mt online</c>: on Fashion-MNIST, for each seed, K peers trained independently and the same K peers
/// codistilled; then the prediction churn between the first two seeds' first peer, summary.json and report.html.
/// The accuracy reported is the last epoch's (no validation split: each peer trains on all of its partition).
/// </summary>
public static class OnlineExperiment
{
    /// <summary>The two modes, in the order they run.</summary>
    public static readonly string[] Modes = ["independent", "codistilled"];

    /// <summary>
    /// Runs the experiment; <paramref name="outDirectory"/> receives summary.json, report.html and the peers' files.
    /// <paramref name="akka"/> configures the groups' ActorSystems (the <c>akka { }</c> block of cluster.hocon).
    /// </summary>
    public static async Task<OnlineSummary> RunAsync(OnlineRequest request, string? dataDirectory, string outDirectory, IRunProgress progress,
        Config akka, CancellationToken cancellationToken)
    {
        request.Settings.Validate();
        if (request.Seeds.Count == 0)
        {
            throw new ArgumentException("at least one seed is needed");
        }

        var clock = Stopwatch.StartNew();
        var (train, test) = request.LoadData(dataDirectory);
        var datasetName = request.Data?.Name ?? DatasetCatalog.FashionMnist;
        request = request with { Arch = Architecture.ForData(request.Arch, train.SampleShape, train.Classes).Text };
        Directory.CreateDirectory(Path.Combine(outDirectory, "peers"));
        CheckTeachers(request.Teachers, request.TeacherOptions, train);

        var runs = new List<OnlineRunSummary>();
        var firstPeerLogits = new Dictionary<string, List<float[]>>();
        var stepsPerEpoch = (PeerPartitions.Create(train.Count, request.Settings.Peers, request.Settings.Partitioning)[0].Length + request.Settings.BatchSize - 1)
            / request.Settings.BatchSize;
        foreach (var seed in request.Seeds)
        {
            foreach (var mode in Modes)
            {
                var codistill = mode == "codistilled";
                var settings = request.Settings with { Seed = seed, Codistill = codistill };
                var name = $"{mode}_seed{seed.ToString(CultureInfo.InvariantCulture)}";
                var totalEpochs = settings.Peers * settings.Epochs;
                GroupResult result;
                using (var phase = progress.Phase($"seed {seed}, {mode}: {settings.Peers} × {request.Arch}", totalEpochs))
                {
                    var done = 0;
                    var group = new GroupRequest(name, request.Arch, train, settings)
                    {
                        Test = test,
                        TeachersFor = codistill ? TeachersFor(request.Teachers, train, request.TeacherOptions) : null,
                        OnEpoch = e => phase.Report(Interlocked.Increment(ref done), $"{e.PeerId} epoch {e.Epoch + 1}: test {e.TestAccuracy:P1}"),
                    };
                    result = await CodistillationGroup.RunAsync(group, akka, cancellationToken).ConfigureAwait(false);
                }

                runs.Add(Summarize(name, mode, seed, result));
                foreach (var peer in result.Peers)
                {
                    var model = Model.Create(peer.Arch, 0);
                    model.SetWeights(peer.Weights);
                    ModelCheckpoint.Save(model, Path.Combine(outDirectory, "peers", $"{name}_{peer.PeerId}.safetensors"), new Dictionary<string, string>
                    {
                        ["dataset"] = datasetName,
                        ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
                        ["mode"] = mode,
                        ["test_accuracy"] = peer.History[^1].TestAccuracy.ToString("R", CultureInfo.InvariantCulture),
                    });
                    if (peer == result.Peers[0])
                    {
                        (firstPeerLogits.TryGetValue(mode, out var list) ? list : firstPeerLogits[mode] = []).Add(Evaluator.Logits(model, test, cancellationToken));
                    }
                }
            }
        }

        var summary = new OnlineSummary
        {
            Id = Path.GetFileName(Path.GetFullPath(outDirectory)),
            Dataset = new DatasetSummary(datasetName, train.Count, 0, test.Count, test.Classes),
            Settings = new OnlineSettingsSummary(request.Arch, request.Settings.Peers, request.Settings.Partitioning.ToString().ToLowerInvariant(),
                request.Settings.ExchangeEverySteps, request.Settings.BurnInStepsFor(stepsPerEpoch), request.Settings.MaxStalenessSteps,
                "optimizer steps of the receiving peer (its step − the checkpoint's step)", request.Settings.WaitForPeers, request.Settings.Temperature,
                request.Settings.Alpha, request.Settings.Epochs, request.Settings.BatchSize, request.Settings.LearningRate, request.Seeds, request.Teachers,
                "last epoch"),
            Runs = runs,
            MeanTestAccuracy = Modes.ToDictionary(m => m, m => runs.Where(r => r.Mode == m).SelectMany(r => r.Peers).Select(p => p.TestAccuracy).DefaultIfEmpty(double.NaN).Average()),
            Churn = firstPeerLogits.Values.All(l => l.Count >= 2)
                ? new ChurnSummary(Churn(firstPeerLogits["independent"][0], firstPeerLogits["independent"][1], test.Classes),
                    Churn(firstPeerLogits["codistilled"][0], firstPeerLogits["codistilled"][1], test.Classes),
                    $"peer-0 of seed {request.Seeds[0]} against peer-0 of seed {request.Seeds[1]}", test.Count)
                : null,
            Transport = "inproc",
            Threads = TorchRuntime.Threads,
            ElapsedSeconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
        };
        summary.Write(Path.Combine(outDirectory, "summary.json"));
        OnlineReport.Build(summary).Write(Path.Combine(outDirectory, "report.html"));
        return summary;
    }

    /// <summary>The fraction of rows on which two models' logits (rows × classes) pick different classes.</summary>
    public static double Churn(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int classes)
    {
        if (a.Length != b.Length || a.Length % classes != 0)
        {
            throw new ArgumentException($"logits of {a.Length} and {b.Length} values do not form the same rows of {classes} classes");
        }

        var rows = a.Length / classes;
        var differ = 0;
        for (var r = 0; r < rows; r++)
        {
            differ += System.Numerics.Tensors.TensorPrimitives.IndexOfMax(a.Slice(r * classes, classes))
                != System.Numerics.Tensors.TensorPrimitives.IndexOfMax(b.Slice(r * classes, classes)) ? 1 : 0;
        }

        return rows == 0 ? double.NaN : (double)differ / rows;
    }

    /// <summary>
    /// The teachers of <paramref name="paths"/> (safetensors, TorchScript or ONNX files) as a group's
    /// <see cref="GroupRequest.TeachersFor"/>: each peer gets its own copies, with logits on rows of
    /// <paramref name="train"/>; null when there are none.
    /// </summary>
    public static Func<int, IReadOnlyList<PipelineTeacher>>? TeachersFor(IReadOnlyList<string> paths, Dataset train,
        IReadOnlyDictionary<string, TeacherOptions>? options = null)
    {
        if (paths.Count == 0)
        {
            return null;
        }

        // Each peer gets its own copy: a teacher source is used by one actor only.
        return _ => paths.Select(path => new PipelineTeacher(Path.GetFileNameWithoutExtension(path), SourceOf(path, train, options))).ToList();
    }

    /// <summary>Loads and probes every teacher on <paramref name="train"/> before any group starts: a refusal comes first.</summary>
    private static void CheckTeachers(IReadOnlyList<string> paths, IReadOnlyDictionary<string, TeacherOptions> options, Dataset train)
    {
        foreach (var path in paths)
        {
            using var network = TeacherLoader.Load(path, options.GetValueOrDefault(path));
            TeacherProbe.Check(network, train);
        }
    }

    /// <summary>A safetensors teacher as a model source (its weights can be hot-swapped); any other format as a network source.</summary>
    private static ILogitSource SourceOf(string path, Dataset train, IReadOnlyDictionary<string, TeacherOptions>? options)
    {
        var network = TeacherLoader.Load(path, options?.GetValueOrDefault(path));
        return network is CheckpointTeacher checkpoint ? new ModelLogitSource(checkpoint.Model, train) : new NetworkLogitSource(network, train);
    }

    private static OnlineRunSummary Summarize(string name, string mode, long seed, GroupResult result)
    {
        var peers = result.Peers.Select(p => new OnlinePeerSummary(p.PeerId, p.Rows, p.Steps, p.History.Count == 0 ? double.NaN : p.History[^1].TestAccuracy,
            p.History.Select(h => new PeerEpochSummary(h.Epoch + 1, h.Step, h.TestAccuracy, Math.Round(h.MeanLoss, 5))).ToList(), p.CheckpointsSent,
            p.CheckpointsReceived, p.CheckpointsIgnored, p.DistilledSteps, Math.Round(p.StalenessMean, 2), p.StalenessMax)).ToList();
        return new OnlineRunSummary(name, mode, seed, peers.Select(p => p.TestAccuracy).DefaultIfEmpty(double.NaN).Average(), peers, result.Hub.Received,
            result.Hub.Forwarded, result.Lost, result.Incidents, Math.Round(result.Elapsed.TotalSeconds, 1));
    }
}
