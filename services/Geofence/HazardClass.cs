namespace HazChem.Transport.Geofence;

/// <summary>UN hazard classes and divisions as zones name them.</summary>
public static class HazardClass
{
    /// <summary>Every class and division a zone may ban (compatibility groups are not zone-level).</summary>
    public static IReadOnlySet<string> Known { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "1", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6",
        "2", "2.1", "2.2", "2.3",
        "3",
        "4", "4.1", "4.2", "4.3",
        "5", "5.1", "5.2",
        "6", "6.1", "6.2",
        "7", "8", "9",
    };

    /// <summary>
    /// True when the zone's class or division <paramref name="banned"/> covers the goods' <paramref name="goods"/>:
    /// equal, or a division of the class ("2" covers "2.1"), or the division with a compatibility group ("1.1" covers "1.1D").
    /// </summary>
    /// <param name="banned">Class or division named by the zone.</param>
    /// <param name="goods">Class or division of the goods.</param>
    public static bool Covers(string banned, string goods)
    {
        ArgumentNullException.ThrowIfNull(banned);
        ArgumentNullException.ThrowIfNull(goods);
        var z = banned.AsSpan().Trim();
        var g = goods.AsSpan().Trim();
        if (z.IsEmpty || g.Length < z.Length || !g.StartsWith(z, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (g.Length == z.Length)
        {
            return true;
        }

        var next = g[z.Length];
        // "2" → "2.x"; "1.1" → "1.1D" (a letter after a division); never "1" → "1X" or "2" → "21".
        return next == '.' ? !z.Contains('.') : char.IsAsciiLetter(next) && z.Contains('.');
    }
}
