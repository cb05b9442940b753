using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace HazChem.Transport.Qualification.Domain;

/// <summary>What kind of plate a well-formed plate is.</summary>
internal enum PlateKind
{
    /// <summary>Province + letter + 5 characters, e.g. 渝A12345.</summary>
    Ordinary,

    /// <summary>New-energy: province + letter + 6 characters, e.g. 渝A12345D (large) or 渝AD12345 (small).</summary>
    NewEnergy,

    /// <summary>Trailer: province + letter + 4 characters + 挂, e.g. 渝A1234挂.</summary>
    Trailer,
}

/// <summary>
/// Chinese motor-vehicle plates (GA 36-2018): the province abbreviation, the issuing authority's letter, then
/// the serial, which uses digits and letters other than I and O.
/// </summary>
internal static partial class Plates
{
    /// <summary>The abbreviations of the 31 mainland provincial divisions.</summary>
    public const string Provinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

    /// <summary>The description of the rule, for error messages.</summary>
    public const string Rule =
        "must be a plate: province abbreviation + letter + 5 letters/digits (渝A12345), 6 for new-energy vehicles (渝A12345D), or + 4 + 挂 for trailers (渝A1234挂)";

    /// <summary>Removes the separators people type (渝A·12345, 渝A 12345) and upper-cases Latin letters.</summary>
    public static string Normalize(string? plate)
    {
        if (string.IsNullOrWhiteSpace(plate))
        {
            return "";
        }

        var builder = new StringBuilder(plate.Length);
        foreach (var c in plate)
        {
            if (c is '·' or '•' or '・' or '.' or '-' || char.IsWhiteSpace(c))
            {
                continue;
            }

            builder.Append(c is >= 'a' and <= 'z' ? char.ToUpperInvariant(c) : c);
        }

        return builder.ToString();
    }

    /// <summary>The kind of a normalised plate, or null when it is not a plate.</summary>
    public static PlateKind? Classify(string normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        if (normalized.Length < 2 || !Provinces.Contains(normalized[0], StringComparison.Ordinal))
        {
            return null;
        }

        var rest = normalized[1..];
        if (Ordinary().IsMatch(rest))
        {
            return PlateKind.Ordinary;
        }

        if (NewEnergySmall().IsMatch(rest) || NewEnergyLarge().IsMatch(rest))
        {
            return PlateKind.NewEnergy;
        }

        return Trailer().IsMatch(rest) ? PlateKind.Trailer : null;
    }

    /// <summary>True for a well-formed trailer plate.</summary>
    public static bool IsTrailer(string normalized) => Classify(normalized) == PlateKind.Trailer;

    [GeneratedRegex("^[A-HJ-Z][A-HJ-NP-Z0-9]{5}$")]
    private static partial Regex Ordinary();

    // Small new-energy vehicles: D (battery) or F (other) first, e.g. AD12345.
    [GeneratedRegex("^[A-HJ-Z][DF][A-HJ-NP-Z0-9][0-9]{4}$")]
    private static partial Regex NewEnergySmall();

    // Large new-energy vehicles (trucks): five digits then D or F, e.g. A12345D.
    [GeneratedRegex("^[A-HJ-Z][0-9]{5}[DF]$")]
    private static partial Regex NewEnergyLarge();

    [GeneratedRegex("^[A-HJ-Z][A-HJ-NP-Z0-9]{4}挂$")]
    private static partial Regex Trailer();
}

/// <summary>
/// 18-character resident identity numbers (GB 11643-1999): 6-digit address code, 8-digit birth date,
/// 3-digit sequence, and an ISO 7064 MOD 11-2 check character (0–9 or X).
/// </summary>
internal static partial class ResidentIdNumber
{
    private const string CheckCharacters = "10X98765432";
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    // Provincial codes of GB/T 2260 (plus 71 Taiwan, 81 Hong Kong, 82 Macao, 83 for Taiwan residence permits).
    private static readonly HashSet<string> Provinces = new(StringComparer.Ordinal)
    {
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
        "71", "81", "82", "83",
    };

    /// <summary>Trims and upper-cases the check character (people type x).</summary>
    public static string Normalize(string? value) => (value ?? "").Trim().ToUpperInvariant();

    /// <summary>The check character for the first 17 digits.</summary>
    public static char CheckCharacter(string first17)
    {
        ArgumentNullException.ThrowIfNull(first17);
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * Weights[i];
        }

        return CheckCharacters[sum % 11];
    }

    /// <summary>Null when <paramref name="normalized"/> is a valid number of someone born by <paramref name="today"/>; otherwise what is wrong.</summary>
    public static string? Validate(string normalized, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        if (!Shape().IsMatch(normalized))
        {
            return "must be an 18-character resident ID number: 17 digits and a check character 0–9 or X";
        }

        if (!Provinces.Contains(normalized[..2]))
        {
            return $"address code {normalized[..6]} names no province";
        }

        if (TryBirthDate(normalized) is not { } birth || birth.Year < 1900)
        {
            return $"birth date {normalized.Substring(6, 8)} is not a valid date";
        }

        if (birth > today)
        {
            return $"birth date {birth:yyyy-MM-dd} is in the future";
        }

        var expected = CheckCharacter(normalized);
        return normalized[17] == expected ? null : $"check character is {normalized[17]} but GB 11643 gives {expected}";
    }

    /// <summary>The birth date encoded in a valid number.</summary>
    public static DateOnly BirthDate(string number) =>
        TryBirthDate(number) ?? throw new ArgumentException("Not a resident ID number with a valid birth date.", nameof(number));

    /// <summary>Masks all but the region and the last 4 characters, for logs and messages (a number is personal data).</summary>
    public static string Mask(string number)
    {
        ArgumentNullException.ThrowIfNull(number);
        return number.Length < 10 ? new string('*', number.Length) : number[..6] + new string('*', number.Length - 10) + number[^4..];
    }

    private static DateOnly? TryBirthDate(string number) =>
        number.Length >= 14 && DateOnly.TryParseExact(number.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : null;

    [GeneratedRegex("^[0-9]{17}[0-9X]$")]
    private static partial Regex Shape();
}

/// <summary>
/// Unified social credit codes (统一社会信用代码, GB 32100-2015): registration authority, organisation type,
/// 6-digit administrative division, 9-character organisation code, and a MOD 31 check character, over the
/// alphabet of digits and capitals without I, O, S, V, Z.
/// </summary>
internal static partial class CreditCode
{
    /// <summary>The 31 characters of the code, in value order.</summary>
    public const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    /// <summary>Trims and upper-cases.</summary>
    public static string Normalize(string? value) => (value ?? "").Trim().ToUpperInvariant();

    /// <summary>The check character for the first 17 characters.</summary>
    public static char CheckCharacter(string first17)
    {
        ArgumentNullException.ThrowIfNull(first17);
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += Alphabet.IndexOf(first17[i], StringComparison.Ordinal) * Weights[i];
        }

        return Alphabet[(31 - (sum % 31)) % 31];
    }

    /// <summary>Null when <paramref name="normalized"/> is a valid code; otherwise what is wrong.</summary>
    public static string? Validate(string normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        if (!Shape().IsMatch(normalized))
        {
            return "must be an 18-character unified social credit code: digits and capitals other than I, O, S, V, Z, " +
                "starting with the registration authority (1–9, A, N, Y), the organisation type (1–9) and a 6-digit division code";
        }

        var expected = CheckCharacter(normalized);
        return normalized[17] == expected ? null : $"check character is {normalized[17]} but GB 32100 gives {expected}";
    }

    [GeneratedRegex("^[1-9ANY][1-9][0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")]
    private static partial Regex Shape();
}

/// <summary>Four-digit UN numbers (UN0004 … UN3548).</summary>
internal static partial class UnNumber
{
    /// <summary>The message used when a value is not a UN number.</summary>
    public const string Rule = "must be a 4-digit UN number, e.g. 1203";

    /// <summary>True for four digits other than 0000.</summary>
    public static bool IsValid(string? value) => value is not null && Shape().IsMatch(value) && value != "0000";

    [GeneratedRegex("^[0-9]{4}$")]
    private static partial Regex Shape();
}

/// <summary>
/// JT/T 808 terminal phone numbers: BCD digits, 12 (2013) or 20 (2019) of them, left-padded with zeros, so
/// they compare without leading zeros (<c>013800138000</c> is <c>13800138000</c>).
/// </summary>
internal static partial class TerminalPhone
{
    /// <summary>The message used when a value is not a terminal phone.</summary>
    public const string Rule = "must be the terminal's phone number: 1 to 20 digits, not all zero";

    /// <summary>True for 1–20 digits, not all zero.</summary>
    public static bool IsValid(string? value) => value is not null && Shape().IsMatch(value) && Key(value).Length > 0;

    /// <summary>The comparison key: the digits without leading zeros.</summary>
    public static string Key(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.TrimStart('0');
    }

    [GeneratedRegex("^[0-9]{1,20}$")]
    private static partial Regex Shape();
}

/// <summary>Calendar dates as the contract writes them: ISO 8601 <c>YYYY-MM-DD</c>.</summary>
internal static class IsoDate
{
    /// <summary>The message used when a value is not an ISO date.</summary>
    public const string Rule = "must be an ISO date (YYYY-MM-DD)";

    /// <summary>Parses exactly <c>yyyy-MM-dd</c>.</summary>
    public static bool TryParse(string? value, out DateOnly date) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    /// <summary>Formats as <c>yyyy-MM-dd</c>.</summary>
    public static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
