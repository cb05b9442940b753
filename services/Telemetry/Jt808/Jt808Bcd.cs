using System.Diagnostics.CodeAnalysis;

namespace HazChem.Transport.Telemetry.Jt808;

/// <summary>BCD fields: two decimal digits per byte, high nibble first.</summary>
internal static class Jt808Bcd
{
    /// <summary>Length of a BCD[6] <c>YYMMDDhhmmss</c> time.</summary>
    public const int TimeLength = 6;

    /// <summary>True when every nibble is 0–9.</summary>
    public static bool IsValid(ReadOnlySpan<byte> bcd)
    {
        foreach (var b in bcd)
        {
            if ((b >> 4) > 9 || (b & 0x0F) > 9)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Reads a BCD[6] <c>YYMMDDhhmmss</c> time (year 2000 + YY) sent in the terminal's clock zone
    /// (<paramref name="clockUtcOffset"/>, GMT+8 per the standard) and returns it in UTC.
    /// <paramref name="bodyOffset"/> only places the field in error reasons.
    /// </summary>
    public static bool TryReadTime(
        ReadOnlySpan<byte> bcd,
        int bodyOffset,
        TimeSpan clockUtcOffset,
        out DateTime utc,
        [NotNullWhen(false)] out Jt808Error? error)
    {
        utc = default;
        if (bcd.Length < TimeLength)
        {
            error = new Jt808Error(
                Jt808ErrorKind.TruncatedBody,
                FormattableString.Invariant($"BCD time at body offset {bodyOffset} needs {TimeLength} bytes, {bcd.Length} left"),
                bodyOffset);
            return false;
        }

        Span<int> parts = stackalloc int[TimeLength];
        for (var i = 0; i < TimeLength; i++)
        {
            var b = bcd[i];
            int high = b >> 4, low = b & 0x0F;
            if (high > 9 || low > 9)
            {
                error = new Jt808Error(
                    Jt808ErrorKind.InvalidBcd,
                    FormattableString.Invariant(
                        $"time {Convert.ToHexStringLower(bcd[..TimeLength])} at body offset {bodyOffset}: byte {i} (body offset {bodyOffset + i}) is 0x{b:x2}, not BCD"),
                    bodyOffset + i);
                return false;
            }

            parts[i] = (high * 10) + low;
        }

        int year = 2000 + parts[0], month = parts[1], day = parts[2], hour = parts[3], minute = parts[4], second = parts[5];
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, Math.Clamp(month, 1, 12))
            || hour > 23 || minute > 59 || second > 59)
        {
            error = new Jt808Error(
                Jt808ErrorKind.ImpossibleTime,
                FormattableString.Invariant(
                    $"time {Convert.ToHexStringLower(bcd[..TimeLength])} at body offset {bodyOffset} reads as {year:D4}-{month:D2}-{day:D2} {hour:D2}:{minute:D2}:{second:D2}, which is not a valid date and time"),
                bodyOffset);
            return false;
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
        utc = DateTime.SpecifyKind(local - clockUtcOffset, DateTimeKind.Utc);
        error = null;
        return true;
    }

    /// <summary>Writes <paramref name="localTime"/> (already in the terminal's clock zone) as BCD[6] <c>YYMMDDhhmmss</c>.</summary>
    public static void WriteTime(DateTime localTime, Span<byte> destination)
    {
        if (localTime.Year is < 2000 or > 2099)
        {
            throw new ArgumentOutOfRangeException(nameof(localTime), localTime, "BCD[6] time covers 2000-2099 only.");
        }

        destination[0] = ToBcd(localTime.Year - 2000);
        destination[1] = ToBcd(localTime.Month);
        destination[2] = ToBcd(localTime.Day);
        destination[3] = ToBcd(localTime.Hour);
        destination[4] = ToBcd(localTime.Minute);
        destination[5] = ToBcd(localTime.Second);
    }

    private static byte ToBcd(int value) => (byte)(((value / 10) << 4) | (value % 10));
}
