namespace HazChem.Transport.Geofence.Tests;

/// <summary>Reference data in ../shared/data next to the repository (tests only; the product never reads it).</summary>
internal static class SharedData
{
    private static readonly Lazy<string?> Root = new(FindRoot);

    /// <summary>Full path of a file under shared/data; skips the test with the reason when it is absent.</summary>
    public static string Path(string relative)
    {
        var root = Root.Value ?? throw Xunit.Sdk.SkipException.ForSkip(
            "../shared/data is absent next to the repository (the folder holding HazChem.Transport.sln); the real-zone tests need it.");
        var path = System.IO.Path.Combine(root, relative);
        return File.Exists(path)
            ? path
            : throw Xunit.Sdk.SkipException.ForSkip($"{path} is absent; the real-zone tests need it.");
    }

    public static string ReadText(string relative) => File.ReadAllText(Path(relative));

    private static string? FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "HazChem.Transport.sln")))
            {
                var data = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "data"));
                return Directory.Exists(data) ? data : null;
            }
        }

        return null;
    }
}
