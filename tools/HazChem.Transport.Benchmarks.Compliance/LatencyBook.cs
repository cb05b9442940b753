using System.Collections.Concurrent;

namespace HazChem.Transport.Benchmarks.Compliance;

/// <summary>
/// When each candidate opening fix left this process (a monotonic timestamp, <see cref="System.Diagnostics.Stopwatch"/>
/// ticks), keyed by plate and fix time in Unix milliseconds (fix times are sent at millisecond precision, so the
/// evidence fix time of a violation finds its fix exactly). Thread-safe: the gRPC writers record, the Kafka listener looks up.
/// </summary>
internal sealed class LatencyBook
{
    private readonly ConcurrentDictionary<(string Plate, long FixMs), long> _sent = new();
    private readonly ConcurrentDictionary<string, long> _openings = new(StringComparer.Ordinal);

    public int Count => _sent.Count;

    /// <summary>Notes the predicted opening fix of <paramref name="plate"/> (so the positions probe can look for it).</summary>
    public void ExpectOpening(string plate, long fixMs) => _openings[plate] = fixMs;

    /// <summary>The predicted opening fix time of <paramref name="plate"/>, if it has one yet.</summary>
    public bool TryGetExpectedOpening(string plate, out long fixMs) => _openings.TryGetValue(plate, out fixMs);

    public void RecordSent(string plate, long fixMs, long timestamp) => _sent[(plate, fixMs)] = timestamp;

    /// <summary>The send timestamp of the fix of <paramref name="plate"/> at <paramref name="fixMs"/>, if this run sent it.</summary>
    public bool TryGetSent(string plate, long fixMs, out long timestamp) => _sent.TryGetValue((plate, fixMs), out timestamp);
}

/// <summary>Order statistics of a sample.</summary>
internal static class Percentiles
{
    /// <summary>
    /// The nearest-rank percentile (<paramref name="p"/> in 0..100) of <paramref name="sorted"/> (ascending): the smallest
    /// value with at least p % of the sample at or below it. NaN for an empty sample.
    /// </summary>
    public static double NearestRank(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 100);
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}
