using System.Globalization;
using HazChem.Transport.Qualification.Domain;

namespace HazChem.Transport.Qualification.Tests;

/// <summary>
/// Identifiers with correct check characters, computed here independently of the service (so a wrong service
/// algorithm cannot agree with itself), and unique per call so tests sharing a database never collide.
/// </summary>
internal static class TestData
{
    private static int _counter = Random.Shared.Next(1000, 50_000);

    public static int Next() => Interlocked.Increment(ref _counter);

    /// <summary>GB 11643: weights 2^(17-i) mod 11, check = "10X98765432"[sum mod 11].</summary>
    public static string IdNumber(string first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * (int)(Math.Pow(2, 17 - i) % 11);
        }

        return first17 + "10X98765432"[sum % 11];
    }

    /// <summary>A valid ID number of someone born on <paramref name="birth"/> in 渝中区 (500103).</summary>
    public static string IdNumber(DateOnly birth) =>
        IdNumber("500103" + birth.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + (Next() % 1000).ToString("000", CultureInfo.InvariantCulture));

    /// <summary>GB 32100: weights 3^i mod 31, check = 31 - (sum mod 31), 31 → 0.</summary>
    public static string CreditCode(string first17)
    {
        const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        var sum = 0;
        var weight = 1;
        for (var i = 0; i < 17; i++)
        {
            sum += Alphabet.IndexOf(first17[i], StringComparison.Ordinal) * weight;
            weight = weight * 3 % 31;
        }

        return first17 + Alphabet[(31 - (sum % 31)) % 31];
    }

    /// <summary>A fresh valid credit code of a Chongqing enterprise.</summary>
    public static string NewCreditCode() => CreditCode("91500000MA" + Next().ToString("0000000", CultureInfo.InvariantCulture));

    /// <summary>A fresh ordinary plate 渝A#####.</summary>
    public static string NewPlate() => "渝A" + (Next() % 100_000).ToString("00000", CultureInfo.InvariantCulture);

    /// <summary>A fresh trailer plate 渝A####挂.</summary>
    public static string NewTrailerPlate() => "渝A" + (Next() % 10_000).ToString("0000", CultureInfo.InvariantCulture) + "挂";

    /// <summary>A fresh terminal phone, written with the leading zero of a 12-digit JT/T 808-2013 BCD field.</summary>
    public static string NewTerminalPhone() => "0139" + Next().ToString("00000000", CultureInfo.InvariantCulture);

    public static string NewTankNumber() => "TK" + Next().ToString("0000000", CultureInfo.InvariantCulture);

    public static DateOnly Date(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static Stamp Stamp() => new(1, DateTime.UnixEpoch, DateTime.UnixEpoch);
}
