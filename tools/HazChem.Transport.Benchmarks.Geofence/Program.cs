using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using HazChem.Transport.Benchmarks.Geofence;

// Geofence engine benchmarks. Run in Release from the repository root:
//   dotnet run -c Release --project tools/HazChem.Transport.Benchmarks.Geofence -- [--quick] [--engine] [--postgis]
// --quick    BenchmarkDotNet ShortRun (3 warm-ups, 3 iterations) and shorter PostGIS passes: a few minutes in all.
// --engine   only the BenchmarkDotNet engine benchmarks (point checks for 100…100k zones, corridor checks).
// --corridor only the corridor benchmarks.
// --postgis  only the side-by-side run against PostGIS (needs Debian's postgresql-15-postgis-3).
// --diag     index statistics (cell size, cells, entries, build time) and a plain timing loop per zone count.
// --tune     grid resolutions side by side (interleaved, for a loaded machine) at 10k and 100k zones.
// Results go to stdout and BenchmarkDotNet.Artifacts/ under the current directory.
var quick = args.Contains("--quick");
var engineOnly = args.Contains("--engine") || args.Contains("--corridor");
var postGisOnly = args.Contains("--postgis");
var zoneCounts = new[] { 100, 1_000, 10_000, 100_000 };

var job = (quick ? Job.ShortRun : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
var config = ManualConfig.CreateMinimumViable().AddJob(job).WithOptions(ConfigOptions.DisableOptimizationsValidator);

if (args.Contains("--tune"))
{
    // A/B of grid resolutions, interleaved so machine load hits all variants alike.
    foreach (var count in new[] { 10_000, 100_000 })
    {
        var zones = SyntheticData.Zones(count);
        var (lon, lat) = SyntheticData.Fixes(zones, 65_536);
        var variants = new[] { (2.0, 32), (4.0, 256), (2.0, 32), (6.0, 256) }
            .Select(v => (Name: $"{v.Item1} cells/median zone, {v.Item2} entries/zone", Index: new HazChem.Transport.Geofence.GeofenceIndex(zones, v.Item1, v.Item2)))
            .ToList();
        var totals = new double[variants.Count];
        var results = new List<HazChem.Transport.Geofence.ZoneDefinition>();
        for (var round = 0; round < 11; round++)
        {
            for (var v = 0; v < variants.Count; v++)
            {
                var w = System.Diagnostics.Stopwatch.StartNew();
                for (var i = 0; i < lon.Length; i++)
                {
                    variants[v].Index.ZonesContaining(lon[i], lat[i], results);
                }

                if (round > 0)
                {
                    totals[v] += w.Elapsed.TotalNanoseconds / lon.Length;
                }
            }
        }

        for (var v = 0; v < variants.Count; v++)
        {
            var index = variants[v].Index;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{count,7} zones, {variants[v].Name}: {totals[v] / 10:N1} ns/check, cell {index.CellSize:G3}°, dense {index.IsDense}, cells {index.CellCount:N0}, entries {index.EntryCount:N0}"));
        }
    }

    return;
}

if (args.Contains("--diag"))
{
    foreach (var count in zoneCounts)
    {
        var zones = SyntheticData.Zones(count);
        var build = System.Diagnostics.Stopwatch.StartNew();
        var index = new HazChem.Transport.Geofence.GeofenceIndex(zones);
        var buildTime = build.Elapsed;
        var (lon, lat) = SyntheticData.Fixes(zones, 65_536);
        var results = new List<HazChem.Transport.Geofence.ZoneDefinition>();
        for (var w = 0; w < 3; w++)
        {
            for (var i = 0; i < lon.Length; i++)
            {
                index.ZonesContaining(lon[i], lat[i], results);
            }
        }

        long hits = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        for (var r = 0; r < 5; r++)
        {
            for (var i = 0; i < lon.Length; i++)
            {
                index.ZonesContaining(lon[i], lat[i], results);
                hits += results.Count;
            }
        }

        double PerCheck(int parity)
        {
            var w = System.Diagnostics.Stopwatch.StartNew();
            var n = 0;
            for (var r = 0; r < 5; r++)
            {
                for (var i = parity; i < lon.Length; i += 2)
                {
                    index.ZonesContaining(lon[i], lat[i], results);
                    n++;
                }
            }

            return w.Elapsed.TotalNanoseconds / n;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count,7} zones: uniform fixes {PerCheck(0):N1} ns, fixes in zone envelopes {PerCheck(1):N1} ns (wall)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{count,7} zones: build {buildTime.TotalMilliseconds:N0} ms, cell {index.CellSize:G4}°, cells {index.CellCount:N0}, entries {index.EntryCount:N0}, {watch.Elapsed.TotalNanoseconds / (5.0 * lon.Length):N1} ns/check wall, {(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalNanoseconds / (5.0 * lon.Length):N1} ns/check CPU, hits/check {hits / (5.0 * lon.Length):N2}"));
    }

    return;
}

var lines = new List<string>();
if (!postGisOnly)
{
    var summaries = args.Contains("--corridor")
        ? new[] { BenchmarkRunner.Run<CorridorBenchmarks>(config) }
        : new[] { BenchmarkRunner.Run<PointCheckBenchmarks>(config), BenchmarkRunner.Run<CorridorBenchmarks>(config) };
    lines.Add("| benchmark | parameter | ns/check | checks/s/core | allocated/check |");
    lines.Add("|---|---|---:|---:|---:|");
    foreach (var report in summaries.SelectMany(s => s.Reports))
    {
        lines.Add(Row(report));
    }
}

if (!engineOnly)
{
    var rows = await PostGisComparison.RunAsync(zoneCounts, quick ? 16_384 : 65_536, TimeSpan.FromSeconds(quick ? 2 : 5), Console.Out);
    if (rows is null)
    {
        lines.Add(string.Empty);
        lines.Add("PostGIS comparison not run: PostgreSQL with PostGIS not found.");
    }
    else
    {
        lines.Add(string.Empty);
        lines.Add("| zones | engine checks/s (1 thread, wall) | engine per CPU-s | PostGIS ST_Intersects /s (1 backend, wall) | PostGIS ST_Intersects per backend CPU-s | PostGIS ST_Contains /s (wall) | ratio wall | ratio CPU | hits engine / PostGIS |");
        lines.Add("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Zones:N0} | {r.Engine.PerWallSecond:N0} | {r.Engine.PerCpuSecond:N0} | {r.Intersects.PerWallSecond:N0} | {r.Intersects.PerCpuSecond:N0} | {r.Contains.PerWallSecond:N0} | {r.Engine.PerWallSecond / r.Intersects.PerWallSecond:N0}× | {r.Engine.PerCpuSecond / r.Intersects.PerCpuSecond:N0}× | {r.EngineHits} / {r.PostGisHits} |"));
        }
    }
}

Console.WriteLine();
Console.WriteLine($"Geofence benchmark summary ({(quick ? "quick" : "full")}, {Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}):");
foreach (var line in lines)
{
    Console.WriteLine(line);
}

Directory.CreateDirectory("BenchmarkDotNet.Artifacts");
await File.WriteAllLinesAsync(Path.Combine("BenchmarkDotNet.Artifacts", "geofence-summary.md"), lines);

static string Row(BenchmarkReport report)
{
    var name = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
    var parameter = report.BenchmarkCase.Parameters.PrintInfo;
    if (report.ResultStatistics is not { } stats)
    {
        return $"| {name} | {parameter} | failed | | |";
    }

    var ns = stats.Mean;
    var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? 0;
    return string.Create(CultureInfo.InvariantCulture, $"| {name} | {parameter} | {ns:N1} | {1e9 / ns:N0} | {allocated} B |");
}
