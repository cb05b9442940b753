using System.Globalization;

namespace HazChem.Transport.Simulator;

/// <summary>Durations on the command line: <c>500ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c> or <c>hh:mm:ss</c>.</summary>
internal static class Duration
{
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        (string Suffix, Func<double, TimeSpan> Make)[] units =
            [("ms", TimeSpan.FromMilliseconds), ("s", TimeSpan.FromSeconds), ("m", TimeSpan.FromMinutes), ("h", TimeSpan.FromHours)];
        foreach (var (suffix, make) in units)
        {
            if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(t[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0)
            {
                return make(value);
            }
        }

        return TimeSpan.TryParse(t, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero
            ? span
            : throw new FormatException($"'{text}' is not a duration (500ms, 5s, 2m, 1h or hh:mm:ss).");
    }
}
