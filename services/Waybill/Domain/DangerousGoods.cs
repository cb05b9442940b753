namespace HazChem.Transport.Waybill.Domain;

/// <summary>
/// One row of the dangerous-goods list (GB 12268 / JT/T 617.3). A UN number may have several rows, one per
/// packing group.
/// </summary>
/// <param name="UnNumber">Four digits, e.g. <c>1203</c>.</param>
/// <param name="NameZh">Chinese proper shipping name.</param>
/// <param name="NameEn">English proper shipping name.</param>
/// <param name="HazardClass">Class or division as listed (<c>3</c>, <c>2.1</c>, <c>1.1D</c>; <c>-</c> when not fixed).</param>
/// <param name="PackingGroup">Normalised to <c>I</c>, <c>II</c>, <c>III</c> or <c>-</c>.</param>
internal sealed record DangerousGoodsEntry(string UnNumber, string NameZh, string NameEn, string HazardClass, string PackingGroup);

/// <summary>The dangerous-goods list, looked up by UN number.</summary>
internal sealed class DangerousGoodsList
{
    private readonly Dictionary<string, IReadOnlyList<DangerousGoodsEntry>> _byUnNumber;

    public DangerousGoodsList(IEnumerable<DangerousGoodsEntry> entries, string source)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _byUnNumber = entries
            .GroupBy(e => e.UnNumber, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<DangerousGoodsEntry>)[.. g], StringComparer.Ordinal);
        Source = source;
    }

    /// <summary>Where the list came from (file path or "built-in").</summary>
    public string Source { get; }

    /// <summary>How many distinct UN numbers the list holds.</summary>
    public int Count => _byUnNumber.Count;

    /// <summary>Every UN number on the list.</summary>
    public IEnumerable<string> UnNumbers => _byUnNumber.Keys;

    /// <summary>Whether <paramref name="unNumber"/> is on the list (W-UN-KNOWN).</summary>
    public bool Contains(string unNumber) => _byUnNumber.ContainsKey(unNumber);

    /// <summary>Every row for <paramref name="unNumber"/>; empty when unknown.</summary>
    public IReadOnlyList<DangerousGoodsEntry> Find(string unNumber) =>
        _byUnNumber.TryGetValue(unNumber, out var entries) ? entries : [];
}

/// <summary>UN number, hazard class and packing group spellings.</summary>
internal static class UnNumbers
{
    /// <summary>Exactly four ASCII digits.</summary>
    public static bool IsWellFormed(string? value) => value is { Length: 4 } && value.All(char.IsAsciiDigit);
}

/// <summary>Hazard classes/divisions (GB 6944) and packing groups (GB 12268) as written on waybills and lists.</summary>
internal static class HazardClasses
{
    private static readonly HashSet<string> Valid = new(StringComparer.Ordinal)
    {
        "1", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2", "2.1", "2.2", "2.3", "3", "4", "4.1", "4.2", "4.3",
        "5", "5.1", "5.2", "6", "6.1", "6.2", "7", "8", "9",
    };

    /// <summary>
    /// A class (<c>3</c>) or division (<c>2.1</c>) of GB 6944, or for class 1 a division with its compatibility
    /// group (<c>1.1D</c>, letters A–L, N, S; case-insensitive).
    /// </summary>
    public static bool IsWellFormed(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        var normalised = Normalise(value);
        if (normalised.Length == 4 && normalised[0] == '1')
        {
            return Valid.Contains(normalised[..3]) && normalised[3] is (>= 'A' and <= 'L') or 'N' or 'S';
        }

        return Valid.Contains(normalised);
    }

    /// <summary>Upper-cases the compatibility letter and trims.</summary>
    public static string Normalise(string value) => value.Trim().ToUpperInvariant();

    /// <summary>The division (<c>1.1</c> of <c>1.1D</c>), or the class when no division is given.</summary>
    public static string Division(string value)
    {
        var normalised = Normalise(value);
        return normalised.Length == 4 ? normalised[..3] : normalised;
    }

    /// <summary>The class digit (<c>2</c> of <c>2.1</c>).</summary>
    public static string MainClass(string value) => Normalise(value)[..1];

    /// <summary>
    /// Whether a waybill's class matches a list row: equal; or the line gives the division of a class-1 row
    /// without its compatibility group; or the row lists only the class (aerosols: <c>2</c>) and the line
    /// names a division of it; or the row has no fixed class (<c>-</c>).
    /// </summary>
    public static bool Matches(string lineClass, string listedClass)
    {
        var line = Normalise(lineClass);
        var listed = Normalise(listedClass);
        if (listed is "-" or "")
        {
            return true;
        }

        if (line == listed)
        {
            return true;
        }

        if (listed.Length == 4 && line == listed[..3])
        {
            return true;
        }

        return listed.Length == 1 && line.Length >= 3 && line[0] == listed[0];
    }

    /// <summary>
    /// Normalises a packing group: <c>I</c>/<c>II</c>/<c>III</c> (also the Roman-numeral characters Ⅰ Ⅱ Ⅲ the
    /// national tables use), <c>-</c> (also empty or an em dash) where none applies. Null when unrecognised.
    /// </summary>
    public static string? NormalisePackingGroup(string? value)
    {
        switch (value?.Trim().ToUpperInvariant())
        {
            case "I" or "Ⅰ" or "1":
                return "I";
            case "II" or "Ⅱ" or "2":
                return "II";
            case "III" or "Ⅲ" or "3":
                return "III";
            case "-" or "" or "—" or "–":
                return "-";
            default:
                return null;
        }
    }
}
