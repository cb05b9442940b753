namespace HazChem.Transport.Telemetry.Domain;

/// <summary>
/// An accepted fix as the history keeps it: fix time in µs and position in 1e-6° (the fix id's resolution), 24 bytes,
/// so a process can remember a few fixes of hundreds of thousands of vehicles.
/// </summary>
internal readonly record struct AcceptedFix(long FixMicros, long LatE6, long LonE6)
{
    public static AcceptedFix Of(DateTimeOffset fixTime, double lat, double lon) =>
        new(FixId.UnixMicros(fixTime), (long)Math.Round(lat * 1e6), (long)Math.Round(lon * 1e6));

    public DateTimeOffset FixTime => FixId.FromUnixMicros(FixMicros);

    public double Lat => LatE6 / 1e6;

    public double Lon => LonE6 / 1e6;
}

/// <summary>
/// The last accepted fixes of one vehicle, ordered by fix time, bounded (the oldest fall out). Not thread-safe:
/// the caller locks the instance while checking and recording a fix.
/// </summary>
internal sealed class VehicleFixHistory(int capacity)
{
    private readonly List<AcceptedFix> _fixes = new(Math.Min(capacity, 4));

    /// <summary>Fix time of the newest accepted fix, if any.</summary>
    public DateTimeOffset? Newest => _fixes.Count == 0 ? null : _fixes[^1].FixTime;

    /// <summary>True when a fix with the same fix time and position was accepted (T-DUPLICATE).</summary>
    public bool Contains(AcceptedFix fix) => _fixes.Contains(fix);

    /// <summary>The accepted fix nearest in time at or before <paramref name="time"/>; else the oldest after it; null when empty.</summary>
    public AcceptedFix? Neighbour(DateTimeOffset time)
    {
        if (_fixes.Count == 0)
        {
            return null;
        }

        var index = IndexAfter(FixId.UnixMicros(time));
        return index > 0 ? _fixes[index - 1] : _fixes[0];
    }

    /// <summary>Records an accepted fix in fix-time order; drops the oldest beyond capacity.</summary>
    public void Add(AcceptedFix fix)
    {
        _fixes.Insert(IndexAfter(fix.FixMicros), fix);
        if (_fixes.Count > capacity)
        {
            _fixes.RemoveAt(0);
        }
    }

    /// <summary>Forgets a fix that was recorded but then not delivered (so a retry is not a duplicate).</summary>
    public void Remove(AcceptedFix fix) => _fixes.Remove(fix);

    private int IndexAfter(long micros)
    {
        var index = _fixes.Count;
        while (index > 0 && _fixes[index - 1].FixMicros > micros)
        {
            index--;
        }

        return index;
    }
}
