using Google.Protobuf.WellKnownTypes;
using HazChem.Transport.Contracts.Telemetry.V1;
using HazChem.Transport.Simulator.Fleet;

namespace HazChem.Transport.Benchmarks.Compliance;

/// <summary>One generated fix and what it means for the benchmark.</summary>
internal readonly record struct MotionFix(PositionFix Fix, long FixMs, bool Speeding, bool Opening);

/// <summary>
/// The benchmark fleet's motion in real time: every vehicle drives back and forth along its simulator route at its
/// cruise speed (50–70 km/h), with fix times taken from the clock when the fix is made (millisecond precision, strictly
/// increasing per vehicle), so the engine's windows run as in production. Speeders switch to
/// <see cref="SpeedingKmh"/> at their scheduled second of the run and stay there: OVERSPEED opens at their first fix at
/// least <c>openAfter</c> after the first speeding fix (DOMAIN.md C-SPEED, EpisodeMachine), which this class predicts
/// (<see cref="MotionFix.Opening"/>). Not thread-safe per vehicle: each vehicle's fixes come from one generator.
/// </summary>
internal sealed class FleetMotion
{
    public const double SpeedingKmh = 100;

    private readonly IReadOnlyList<TruckPlan> _fleet;
    private readonly double[] _speedingFrom;
    private readonly double[] _distance;
    private readonly long[] _lastMs;
    private readonly long[] _speedingSinceMs;
    private readonly long[] _openingMs;
    private readonly long _openAfterMs;

    public FleetMotion(IReadOnlyList<TruckPlan> fleet, double[] speedingFrom, TimeSpan openAfter)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(speedingFrom);
        if (speedingFrom.Length != fleet.Count)
        {
            throw new ArgumentException("one speeding start per vehicle", nameof(speedingFrom));
        }

        _fleet = fleet;
        _speedingFrom = speedingFrom;
        _distance = [.. fleet.Select(t => t.StartDistanceM)];
        _lastMs = new long[fleet.Count];
        _speedingSinceMs = new long[fleet.Count];
        _openingMs = new long[fleet.Count];
        _openAfterMs = (long)openAfter.TotalMilliseconds;
    }

    public int Count => _fleet.Count;

    public string PlateOf(int vehicle) => _fleet[vehicle].Plate;

    /// <summary>
    /// Which vehicles speed and from which second of the run: <paramref name="fraction"/> of the fleet, spread evenly over
    /// the indexes, their start seconds evenly spaced over [<paramref name="from"/>, <paramref name="to"/>] in a shuffled
    /// (seeded) order so openings arrive as a steady trickle. Others: +∞.
    /// </summary>
    public static double[] Schedule(int vehicles, double fraction, double from, double to, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(vehicles);
        ArgumentOutOfRangeException.ThrowIfNegative(fraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fraction, 1);
        var result = Enumerable.Repeat(double.PositiveInfinity, vehicles).ToArray();
        var speeders = Enumerable.Range(0, vehicles).Where(i => Math.Floor((i + 1) * fraction) > Math.Floor(i * fraction)).ToArray();
        new Random(seed).Shuffle(speeders);
        for (var k = 0; k < speeders.Length; k++)
        {
            result[speeders[k]] = speeders.Length == 1 ? from : from + ((to - from) * k / (speeders.Length - 1));
        }

        return result;
    }

    /// <summary>The next fix of <paramref name="vehicle"/> at <paramref name="now"/>, <paramref name="runSeconds"/> into the run.</summary>
    public MotionFix Next(int vehicle, DateTimeOffset now, double runSeconds)
    {
        var ms = now.ToUnixTimeMilliseconds();
        var last = _lastMs[vehicle];
        if (ms <= last)
        {
            ms = last + 1;
        }

        var plan = _fleet[vehicle];
        var speeding = runSeconds >= _speedingFrom[vehicle];
        var kmh = speeding ? SpeedingKmh : plan.CruiseKmh;
        if (last > 0)
        {
            _distance[vehicle] += kmh / 3.6 * (ms - last) / 1000.0;
        }

        _lastMs[vehicle] = ms;
        var opening = false;
        if (speeding)
        {
            if (_speedingSinceMs[vehicle] == 0)
            {
                _speedingSinceMs[vehicle] = ms;
            }

            if (_openingMs[vehicle] == 0 && ms - _speedingSinceMs[vehicle] >= _openAfterMs)
            {
                _openingMs[vehicle] = ms;
                opening = true;
            }
        }

        var route = plan.Route;
        var d = _distance[vehicle] % (2 * route.LengthM);
        var backwards = d > route.LengthM;
        var (point, heading) = route.At(backwards ? (2 * route.LengthM) - d : d);
        var fix = new PositionFix
        {
            Plate = plan.Plate,
            FixTime = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(ms)),
            Lat = Math.Round(point.Lat, 6),
            Lon = Math.Round(point.Lon, 6),
            SpeedKmh = Math.Round(kmh, 1),
            HeadingDeg = Math.Round(backwards ? (heading + 180) % 360 : heading) % 360,
            Valid = true,
            AltitudeM = 250,
        };
        return new MotionFix(fix, ms, speeding, opening);
    }

    /// <summary>The predicted opening fix time (Unix ms) of every vehicle whose OVERSPEED should have opened so far.</summary>
    public IReadOnlyDictionary<string, long> PredictedOpenings() =>
        Enumerable.Range(0, _fleet.Count).Where(i => _openingMs[i] != 0).ToDictionary(i => _fleet[i].Plate, i => _openingMs[i], StringComparer.Ordinal);

    /// <summary>Vehicles scheduled to speed.</summary>
    public int Speeders => _speedingFrom.Count(double.IsFinite);
}
