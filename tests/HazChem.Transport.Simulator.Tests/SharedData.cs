namespace HazChem.Transport.Simulator.Tests;

/// <summary>The reference data folder ../shared/data next to the repository (tests only).</summary>
internal static class SharedData
{
    public static string Path(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "HazChem.Transport.sln")))
            {
                var file = System.IO.Path.Combine([dir.FullName, "..", "shared", "data", .. parts]);
                if (!File.Exists(file))
                {
                    Assert.Skip($"reference data {file} is not present (../shared/data next to the repository)");
                }

                return file;
            }
        }

        Assert.Skip("no HazChem.Transport.sln above the test binaries");
        return "";
    }
}
