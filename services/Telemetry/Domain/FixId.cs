using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace HazChem.Transport.Telemetry.Domain;

/// <summary>
/// The deterministic dedupe key of a fix: the same plate, fix time (to the microsecond) and position (to 1e-6°,
/// about 0.1 m) give the same id on every replica and on every redelivery.
/// </summary>
internal static class FixId
{
    private const int MaxPlateBytes = 64;

    /// <summary>32 lowercase hex characters (128 bits of SHA-256).</summary>
    public static string Compute(string plate, DateTimeOffset fixTime, double lat, double lon)
    {
        ArgumentNullException.ThrowIfNull(plate);
        Span<byte> input = stackalloc byte[MaxPlateBytes + 24];
        var plateBytes = Encoding.UTF8.GetByteCount(plate) <= MaxPlateBytes
            ? Encoding.UTF8.GetBytes(plate, input)
            : SHA256.HashData(Encoding.UTF8.GetBytes(plate), input);
        var rest = input[plateBytes..];
        BinaryPrimitives.WriteInt64BigEndian(rest, UnixMicros(fixTime));
        BinaryPrimitives.WriteInt64BigEndian(rest[8..], (long)Math.Round(lat * 1e6));
        BinaryPrimitives.WriteInt64BigEndian(rest[16..], (long)Math.Round(lon * 1e6));
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input[..(plateBytes + 24)], hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    /// <summary>Microseconds since the Unix epoch, the time unit of the track tables and the latest-position compare.</summary>
    public static long UnixMicros(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    /// <inheritdoc cref="UnixMicros(DateTimeOffset)"/>
    public static long UnixMicros(DateTime utc) => (utc.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    public static DateTimeOffset FromUnixMicros(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * 10);
}
