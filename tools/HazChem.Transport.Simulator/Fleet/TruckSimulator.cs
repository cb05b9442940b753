using HazChem.Transport.Simulator.Jt808;

namespace HazChem.Transport.Simulator.Fleet;

/// <summary>What one step of a truck produced.</summary>
/// <param name="Fix">The fix of this moment.</param>
/// <param name="Online">False while a silent truck has no signal: the fix is held back, nothing is sent.</param>
/// <param name="BlindBackfill">Fixes held back during a silence, released on the first step back online (send as 0x0704 type 1).</param>
internal sealed record TruckStep(LocationFix Fix, bool Online, IReadOnlyList<LocationFix> BlindBackfill);

/// <summary>
/// One truck's motion and behaviour, pure: each <see cref="Step"/> moves it along its route (back and forth)
/// by the time elapsed at its speed and returns the fix, with the alarm and status bits a terminal would set.
/// No clock and no I/O: the caller passes the time. Position and behaviour cycles are anchored to UTC
/// midnight, so a restarted simulator continues about where the last one was (no jump back to the start).
/// </summary>
internal sealed class TruckSimulator
{
    /// <summary>How far a deviating truck leaves its route.</summary>
    public const double DeviationM = 1_500;

    /// <summary>Speed of a speeding truck.</summary>
    public const double SpeedingKmh = 100;

    private readonly TruckPlan _plan;
    private readonly FleetOptions _options;
    private readonly DateTimeOffset _anchor;
    private readonly List<LocationFix> _held = [];
    private DateTimeOffset _last;
    private double _distance;
    private int _direction = 1;
    private double _mileageKm;
    private DateTimeOffset _lastFixTime = DateTimeOffset.MinValue;

    public TruckSimulator(TruckPlan plan, FleetOptions options, DateTimeOffset start)
    {
        _plan = plan ?? throw new ArgumentNullException(nameof(plan));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _anchor = new DateTimeOffset(start.UtcDateTime.Date, TimeSpan.Zero);
        _last = start;
        _distance = plan.StartDistanceM;
        var sinceAnchor = (start - _anchor).TotalSeconds;
        Advance(plan.CruiseKmh / 3.6 * sinceAnchor);
        _mileageKm = 10_000 + (plan.Index * 37 % 90_000) + (plan.CruiseKmh * sinceAnchor / 3600);
    }

    public TruckPlan Plan => _plan;

    /// <summary>Fixes currently held back (silent truck without signal).</summary>
    public int HeldCount => _held.Count;

    /// <summary>True while the behaviour's episode is on at <paramref name="now"/>.</summary>
    public bool InEpisode(DateTimeOffset now)
    {
        if (_plan.Behaviour is TruckBehaviour.Normal or TruckBehaviour.RestrictedZone)
        {
            return false;
        }

        var duration = _plan.Behaviour == TruckBehaviour.Silent ? _options.SilenceDuration : _options.AnomalyDuration;
        var inCycle = InCycle(now);
        return inCycle >= _options.AnomalyStart && inCycle < _options.AnomalyStart + duration;
    }

    /// <summary>Advances to <paramref name="now"/> and returns the fix there (fix time truncated to whole seconds, as BCD time carries).</summary>
    public TruckStep Step(DateTimeOffset now)
    {
        var episode = InEpisode(now);
        var speed = _plan.Behaviour == TruckBehaviour.Speeding && episode
            ? SpeedingKmh + (2 * Math.Sin((now - _anchor).TotalSeconds / 20))
            : _plan.CruiseKmh + (3 * Math.Sin(((now - _anchor).TotalSeconds / 45) + _plan.Index));
        var seconds = Math.Max(0, (now - _last).TotalSeconds);
        _last = now;
        Advance(speed / 3.6 * seconds);
        _mileageKm += speed * seconds / 3600;

        var (point, heading) = _plan.Route.At(_distance);
        if (_direction < 0)
        {
            heading = (heading + 180) % 360;
        }

        var alarm = 0u;
        if (_plan.Behaviour == TruckBehaviour.Deviating && episode)
        {
            // Ramp out over the first minute of the episode and back over the last, to the right of travel.
            var into = InCycle(now) - _options.AnomalyStart;
            var left = _options.AnomalyDuration - into;
            var ramp = Math.Clamp(Math.Min(into.TotalSeconds, left.TotalSeconds) / 60, 0, 1);
            point = Geo.Offset(point, heading + 90, DeviationM * ramp);
            if (DeviationM * ramp > 500)
            {
                alarm |= Jt808Bits.AlarmRouteDeviation;
            }
        }

        if (speed > 80)
        {
            alarm |= Jt808Bits.AlarmOverspeed;
        }

        var fixTime = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        if (fixTime <= _lastFixTime)
        {
            fixTime = _lastFixTime.AddSeconds(1);
        }

        _lastFixTime = fixTime;
        var fix = new LocationFix
        {
            FixTime = fixTime,
            Lat = Math.Round(point.Lat, 6),
            Lon = Math.Round(point.Lon, 6),
            SpeedKmh = Math.Round(speed, 1),
            HeadingDeg = Math.Round(heading),
            AltitudeM = 240 + (80 * Math.Sin(_distance / 5_000)),
            AlarmFlags = alarm,
            StatusFlags = Jt808Bits.StatusAccOn | Jt808Bits.StatusPositioned | Jt808Bits.StatusGps | Jt808Bits.StatusBeiDou
                | (_plan.HasWaybill ? Jt808Bits.StatusLoadFull : 0),
            MileageKm = Math.Round(_mileageKm, 1),
            RecorderSpeedKmh = Math.Round(speed, 1),
        };

        if (_plan.Behaviour == TruckBehaviour.Silent && episode)
        {
            _held.Add(fix with { Late = true });
            return new TruckStep(fix, Online: false, []);
        }

        if (_held.Count == 0)
        {
            return new TruckStep(fix, Online: true, []);
        }

        var backfill = _held.ToList();
        _held.Clear();
        return new TruckStep(fix, Online: true, backfill);
    }

    private TimeSpan InCycle(DateTimeOffset now) => TimeSpan.FromTicks((now - _anchor).Ticks % _options.Cycle.Ticks);

    // Back and forth along the route: at either end the truck turns round.
    private void Advance(double metres)
    {
        var length = _plan.Route.LengthM;
        _distance += _direction * metres;
        while (_distance > length || _distance < 0)
        {
            if (_distance > length)
            {
                _distance = (2 * length) - _distance;
                _direction = -1;
            }
            else
            {
                _distance = -_distance;
                _direction = 1;
            }
        }
    }
}
