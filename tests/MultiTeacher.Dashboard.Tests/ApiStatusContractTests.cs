using System.Net;
using System.Text.Json;
using MultiTeacher.Dashboard.Server;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Reports;

namespace MultiTeacher.Dashboard.Tests;

/// <summary>/api/status: its shape (scripts poll it) and that its numbers are the run's own, after a real run.</summary>
public sealed class ApiStatusContractTests
{
    private static readonly string[] s_topLevel =
        ["state", "runId", "message", "elapsedSeconds", "etaSeconds", "cluster", "shards", "teachers", "student", "checkpoints", "report", "earlierRuns",
            "phase"];

    private static readonly string[] s_shards =
        ["total", "planned", "aggregated", "trained", "inFlight", "duplicatesDropped", "closedIncomplete", "lateDropped", "rejectedOutputs", "requeued", "replicas"];

    [Fact]
    public async Task ApiStatus_BeforeAnyRun_SaysWaitingInTheDocumentedShape()
    {
        await using var dashboard = await LiveDashboard.StartAsync(DashboardEndpoint.Parse("0"));
        using var http = new HttpClient { BaseAddress = dashboard.Url };

        using var status = JsonDocument.Parse(await http.GetStringAsync(new Uri("api/status", UriKind.Relative)));

        var root = status.RootElement;
        Assert.Equal(s_topLevel, root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(s_shards, root.GetProperty("shards").EnumerateObject().Select(p => p.Name));
        Assert.Equal("waiting", root.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("runId").ValueKind);
        Assert.Equal("single process", root.GetProperty("cluster").GetProperty("mode").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("report").ValueKind);
    }

    [Fact]
    public async Task ApiStatus_AfterARun_GivesThePipelinesOwnCounters()
    {
        await using var dashboard = await LiveDashboard.StartAsync(DashboardEndpoint.Parse("127.0.0.1:0"));
        using var http = new HttpClient { BaseAddress = dashboard.Url };
        var train = QuickRun.Train(2_000);
        var request = QuickRun.Request("contract", train, epochs: 2, shardSize: 256);

        var result = await DistillationPipeline.RunAsync(request, dashboard.Over(QuickRun.Serialized));
        using var status = JsonDocument.Parse(await http.GetStringAsync(new Uri("api/status", UriKind.Relative)));

        var root = status.RootElement;
        Assert.Equal("completed", root.GetProperty("state").GetString());
        Assert.Equal("contract", root.GetProperty("runId").GetString());
        var shards = root.GetProperty("shards");
        var total = 2 * ((2_000 + 255) / 256);
        Assert.Equal(total, shards.GetProperty("total").GetInt32());
        Assert.Equal(result.Shards.Planned, shards.GetProperty("planned").GetInt32());
        Assert.Equal(result.Shards.Aggregated, shards.GetProperty("aggregated").GetInt32());
        Assert.Equal(result.Shards.Trained, shards.GetProperty("trained").GetInt32());
        Assert.Equal(result.Shards.DuplicatesDropped, shards.GetProperty("duplicatesDropped").GetInt32());
        Assert.Equal(result.Shards.ClosedIncomplete, shards.GetProperty("closedIncomplete").GetInt32());
        Assert.Equal(0, shards.GetProperty("inFlight").GetInt32());
        Assert.Equal(QuickRun.TeacherCount, shards.GetProperty("replicas").GetInt32());
        Assert.Equal(0, root.GetProperty("etaSeconds").GetDouble());

        var teachers = root.GetProperty("teachers").EnumerateArray().ToList();
        Assert.Equal(["teacher-0", "teacher-1", "teacher-2"], teachers.Select(t => t.GetProperty("teacherId").GetString()));
        Assert.All(teachers, t =>
        {
            Assert.Equal(total, t.GetProperty("shardsServed").GetInt32());
            Assert.Equal(2 * 2_000, t.GetProperty("rows").GetInt64());
            Assert.True(t.GetProperty("rowsPerSecond").GetDouble() > 0, t.ToString());
            Assert.Contains("/teacher-", t.GetProperty("replica").GetString(), StringComparison.Ordinal);
        });

        var student = root.GetProperty("student");
        Assert.Equal(result.Student.Steps, student.GetProperty("steps").GetInt64());
        Assert.Equal(total, student.GetProperty("loss").GetArrayLength());
        Assert.All(student.GetProperty("loss").EnumerateArray(), p => Assert.True(p.GetProperty("y").GetDouble() > 0, p.ToString()));
        var epochs = student.GetProperty("epochs").EnumerateArray().ToList();
        Assert.Equal(result.Student.Epochs.Select(e => e.Epoch + 1), epochs.Select(e => e.GetProperty("epoch").GetInt32()));
        Assert.Equal(result.Student.Epochs.Select(e => Math.Round(e.ValidationAccuracy, 5)), epochs.Select(e => e.GetProperty("validationAccuracy").GetDouble()));
        Assert.All(epochs, e => Assert.Equal(JsonValueKind.Null, e.GetProperty("testAccuracy").ValueKind));

        var checkpoints = root.GetProperty("checkpoints");
        Assert.Equal(result.Student.CheckpointsSent, checkpoints.GetProperty("sent").GetInt32());
        Assert.True(result.Student.CheckpointsSent > 1, "the run was meant to send checkpoints");
        Assert.Equal(result.Hub.Received, checkpoints.GetProperty("received").GetInt32());
    }

    [Fact]
    public async Task Finish_WithAReport_LinksAndServesIt()
    {
        await using var dashboard = await LiveDashboard.StartAsync(DashboardEndpoint.Parse("0"));
        using var http = new HttpClient { BaseAddress = dashboard.Url };
        var report = Path.Combine(Path.GetTempPath(), $"mt-dashboard-{Guid.NewGuid():N}.html");
        new HtmlReport("A finished run").Paragraph("all shards trained").Write(report);
        try
        {
            using var before = await http.GetAsync(new Uri("report.html", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);

            dashboard.Finish("report written", report);
            using var status = JsonDocument.Parse(await http.GetStringAsync(new Uri("api/status", UriKind.Relative)));

            Assert.Equal("finished", status.RootElement.GetProperty("state").GetString());
            Assert.Equal("/report.html", status.RootElement.GetProperty("report").GetString());
            Assert.Contains("all shards trained", await http.GetStringAsync(new Uri("report.html", UriKind.Relative)), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(report);
        }
    }

    [Theory]
    [InlineData("api/status")]
    [InlineData("")]
    [InlineData("report.html")]
    public async Task Endpoints_AnythingButGet_IsRefused(string path)
    {
        await using var dashboard = await LiveDashboard.StartAsync(DashboardEndpoint.Parse("0"));
        using var http = new HttpClient { BaseAddress = dashboard.Url };

        using var post = await http.PostAsync(new Uri(path, UriKind.Relative), new StringContent("{}"));
        using var delete = await http.DeleteAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, delete.StatusCode);
    }
}
