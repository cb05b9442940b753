using BenchmarkDotNet.Attributes;
using HazChem.Transport.Geofence;

namespace HazChem.Transport.Benchmarks.Geofence;

/// <summary>Point checks (which zones contain this fix) against a <see cref="GeofenceIndex"/> of N synthetic zones.</summary>
[MemoryDiagnoser]
public class PointCheckBenchmarks
{
    public const int FixCount = 8_192;

    private readonly List<ZoneDefinition> _results = new(64);
    private GeofenceIndex _index = null!;
    private double[] _lon = null!;
    private double[] _lat = null!;

    [Params(100, 1_000, 10_000, 100_000)]
    public int Zones { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var zones = SyntheticData.Zones(Zones);
        _index = new GeofenceIndex(zones);
        (_lon, _lat) = SyntheticData.Fixes(zones, FixCount);
    }

    /// <summary>One operation = one fix checked.</summary>
    [Benchmark(OperationsPerInvoke = FixCount)]
    public int ZonesContaining()
    {
        var hits = 0;
        for (var i = 0; i < _lon.Length; i++)
        {
            _index.ZonesContaining(_lon[i], _lat[i], _results);
            hits += _results.Count;
        }

        return hits;
    }
}

/// <summary>Corridor checks (distance to the planned route, inside the 500 m corridor) for routes of N vertices.</summary>
[MemoryDiagnoser]
public class CorridorBenchmarks
{
    public const int FixCount = 8_192;

    private Corridor _corridor = null!;
    private double[] _lon = null!;
    private double[] _lat = null!;

    [Params(50, 500, 5_000)]
    public int RouteVertices { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var route = SyntheticData.Route(RouteVertices);
        _corridor = new Corridor(route, 500);
        (_lon, _lat) = SyntheticData.FixesNear(route, FixCount);
    }

    /// <summary>One operation = one distance computed.</summary>
    [Benchmark(OperationsPerInvoke = FixCount)]
    public double DistanceMeters()
    {
        var sum = 0.0;
        for (var i = 0; i < _lon.Length; i++)
        {
            sum += _corridor.DistanceMeters(_lon[i], _lat[i]);
        }

        return sum;
    }

    /// <summary>One operation = one inside/outside decision.</summary>
    [Benchmark(OperationsPerInvoke = FixCount)]
    public int Contains()
    {
        var inside = 0;
        for (var i = 0; i < _lon.Length; i++)
        {
            if (_corridor.Contains(_lon[i], _lat[i]))
            {
                inside++;
            }
        }

        return inside;
    }
}
