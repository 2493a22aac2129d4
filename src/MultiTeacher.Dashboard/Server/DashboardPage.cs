using System.Reflection;

namespace MultiTeacher.Dashboard.Server;

/// <summary>The dashboard's single page (Page/dashboard.html, embedded): static HTML whose script renders each server-sent status.</summary>
internal static class DashboardPage
{
    /// <summary>The page.</summary>
    public static string Html { get; } = Load();

    private static string Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("MultiTeacher.Dashboard.dashboard.html")
            ?? throw new InvalidOperationException("the dashboard page is not embedded in MultiTeacher.Dashboard");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
