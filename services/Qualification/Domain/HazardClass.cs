using System.Text.RegularExpressions;

namespace HazChem.Transport.Qualification.Domain;

/// <summary>
/// Hazard classes and divisions of GB 6944 (= UN Model Regulations) and what a scope covers: a scope of
/// <c>"2"</c> covers 2.1–2.3, a scope of <c>"2.1"</c> covers only 2.1.
/// </summary>
internal static partial class HazardClass
{
    /// <summary>Every value a permit or certificate scope may name.</summary>
    public static readonly IReadOnlySet<string> ScopeValues = new HashSet<string>(StringComparer.Ordinal)
    {
        "1", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6",
        "2", "2.1", "2.2", "2.3",
        "3",
        "4", "4.1", "4.2", "4.3",
        "5", "5.1", "5.2",
        "6", "6.1", "6.2",
        "7", "8", "9",
    };

    /// <summary>The message used when a value is not a GB 6944 class or division.</summary>
    public const string ScopeValueRule = "must be a GB 6944 class or division: 1, 1.1–1.6, 2, 2.1–2.3, 3, 4, 4.1–4.3, 5, 5.1, 5.2, 6, 6.1, 6.2, 7, 8 or 9";

    /// <summary>
    /// Reads the class of a goods line: a scope value, or an explosive's division with its compatibility
    /// group (<c>"1.1D"</c>, as the dangerous-goods list writes it), which is reduced to the division.
    /// </summary>
    public static bool TryParseGoodsClass(string? value, out string hazardClass)
    {
        hazardClass = "";
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var trimmed = value.Trim();
        if (ScopeValues.Contains(trimmed))
        {
            hazardClass = trimmed;
            return true;
        }

        if (ExplosiveWithCompatibilityGroup().IsMatch(trimmed))
        {
            hazardClass = trimmed[..3];
            return true;
        }

        return false;
    }

    /// <summary>True when <paramref name="scope"/> names <paramref name="hazardClass"/> or its whole class.</summary>
    public static bool Covers(IEnumerable<string> scope, string hazardClass)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(hazardClass);
        return scope.Any(s => Covers(s, hazardClass));
    }

    /// <summary>True when one scope value covers the class: equal, or a bare class covering its divisions.</summary>
    public static bool Covers(string scopeValue, string hazardClass)
    {
        ArgumentNullException.ThrowIfNull(scopeValue);
        ArgumentNullException.ThrowIfNull(hazardClass);
        return string.Equals(scopeValue, hazardClass, StringComparison.Ordinal)
            || (!scopeValue.Contains('.', StringComparison.Ordinal) && hazardClass.StartsWith(scopeValue + ".", StringComparison.Ordinal));
    }

    /// <summary>True for class 1 (explosives), any division.</summary>
    public static bool IsExplosive(string hazardClass) =>
        string.Equals(hazardClass, "1", StringComparison.Ordinal) || hazardClass.StartsWith("1.", StringComparison.Ordinal);

    // Compatibility groups A–H, J, K, L, N, S (GB 6944 / UN 2.1.2).
    [GeneratedRegex("^1\\.[1-6][A-HJKLNS]$")]
    private static partial Regex ExplosiveWithCompatibilityGroup();
}
