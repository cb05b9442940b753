using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace HazChem.Transport.Telemetry.Jt808;

/// <summary>
/// The terminal "phone number" of a header: BCD[6] (2011/2013) or BCD[10] (2019), in practice often an
/// IMEI or device ID. The raw bytes are kept inline (no allocation per frame) and two phones are equal when
/// their normalised forms are: the digits without leading zeros for BCD (<c>013800138000</c>, the 2019
/// <c>00000000013800138000</c> and a registered <c>13800138000</c> are one terminal), else the raw hex,
/// because some devices put non-BCD bytes here.
/// </summary>
internal readonly struct Jt808TerminalPhone : IEquatable<Jt808TerminalPhone>
{
    /// <summary>Width of the 2011/2013 field.</summary>
    public const int Length2013 = 6;

    /// <summary>Width of the 2019 field.</summary>
    public const int Length2019 = 10;

    private const int MaxNormalizedLength = 2 * Length2019;

    private readonly PhoneBytes _bytes;
    private readonly byte _length;

    /// <summary>Copies 1–10 raw header bytes.</summary>
    public Jt808TerminalPhone(ReadOnlySpan<byte> raw)
    {
        if (raw.IsEmpty || raw.Length > Length2019)
        {
            throw new ArgumentOutOfRangeException(nameof(raw), raw.Length, "A terminal phone has 1 to 10 bytes.");
        }

        raw.CopyTo(_bytes);
        _length = (byte)raw.Length;
        IsBcd = Jt808Bcd.IsValid(raw);
    }

    /// <summary>Number of raw bytes (6 or 10 when read from a header; 0 for <c>default</c>).</summary>
    public int Length => _length;

    /// <summary>False when the device put non-BCD bytes in the field (the identity is then the raw hex).</summary>
    public bool IsBcd { get; }

    /// <summary>Builds the BCD field for a registered number, left-padded with zeros to <paramref name="byteLength"/> bytes.</summary>
    public static bool TryFromDigits(ReadOnlySpan<char> digits, int byteLength, out Jt808TerminalPhone phone)
    {
        phone = default;
        if (byteLength is < 1 or > Length2019 || digits.IsEmpty || digits.Length > 2 * byteLength || digits.ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        Span<byte> raw = stackalloc byte[byteLength];
        raw.Clear();
        var nibble = (2 * byteLength) - digits.Length;
        foreach (var c in digits)
        {
            var value = c - '0';
            raw[nibble / 2] |= (byte)((nibble % 2 == 0) ? value << 4 : value);
            nibble++;
        }

        phone = new Jt808TerminalPhone(raw);
        return true;
    }

    /// <summary>Normalised form: BCD digits without leading zeros ("0" if all zero), else the raw bytes as lowercase hex.</summary>
    public override string ToString()
    {
        Span<char> buffer = stackalloc char[MaxNormalizedLength];
        return new string(buffer[..WriteNormalized(buffer)]);
    }

    /// <summary>The raw bytes as lowercase hex, e.g. <c>013800138000</c>.</summary>
    public string ToHex() => Convert.ToHexStringLower(Raw);

    /// <summary>True when <paramref name="registered"/> (digits, leading zeros optional) names this terminal.</summary>
    public bool Matches(ReadOnlySpan<char> registered)
    {
        var trimmed = registered.TrimStart('0');
        if (trimmed.IsEmpty && !registered.IsEmpty)
        {
            trimmed = "0";
        }

        Span<char> buffer = stackalloc char[MaxNormalizedLength];
        return buffer[..WriteNormalized(buffer)].Equals(trimmed, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Copies the raw bytes (exactly <see cref="Length"/> of them).</summary>
    public void CopyTo(Span<byte> destination) => Raw.CopyTo(destination);

    /// <summary>
    /// Writes the field at the width of <paramref name="destination"/> (6 or 10 bytes): raw bytes right-aligned
    /// and zero-padded on the left; false if narrowing would drop a non-zero byte.
    /// </summary>
    public bool TryWriteTo(Span<byte> destination)
    {
        var raw = Raw;
        if (raw.Length <= destination.Length)
        {
            var pad = destination.Length - raw.Length;
            destination[..pad].Clear();
            raw.CopyTo(destination[pad..]);
            return true;
        }

        var dropped = raw.Length - destination.Length;
        if (raw[..dropped].ContainsAnyExcept((byte)0))
        {
            return false;
        }

        raw[dropped..].CopyTo(destination);
        return true;
    }

    public bool Equals(Jt808TerminalPhone other)
    {
        Span<char> mine = stackalloc char[MaxNormalizedLength];
        Span<char> theirs = stackalloc char[MaxNormalizedLength];
        return mine[..WriteNormalized(mine)].SequenceEqual(theirs[..other.WriteNormalized(theirs)]);
    }

    public override bool Equals(object? obj) => obj is Jt808TerminalPhone other && Equals(other);

    public override int GetHashCode()
    {
        Span<char> buffer = stackalloc char[MaxNormalizedLength];
        return string.GetHashCode(buffer[..WriteNormalized(buffer)], StringComparison.Ordinal);
    }

    public static bool operator ==(Jt808TerminalPhone left, Jt808TerminalPhone right) => left.Equals(right);

    public static bool operator !=(Jt808TerminalPhone left, Jt808TerminalPhone right) => !left.Equals(right);

    [UnscopedRef]
    private ReadOnlySpan<byte> Raw => ((ReadOnlySpan<byte>)_bytes)[.._length];

    private int WriteNormalized(Span<char> destination)
    {
        var raw = Raw;
        if (!IsBcd)
        {
            Convert.TryToHexStringLower(raw, destination, out var written);
            return written;
        }

        var count = 0;
        foreach (var b in raw)
        {
            AppendDigit(b >> 4, destination, ref count);
            AppendDigit(b & 0x0F, destination, ref count);
        }

        if (count == 0)
        {
            destination[count++] = '0';
        }

        return count;
    }

    private static void AppendDigit(int digit, Span<char> destination, ref int count)
    {
        if (count == 0 && digit == 0)
        {
            return;
        }

        destination[count++] = (char)('0' + digit);
    }

    [InlineArray(Length2019)]
    private struct PhoneBytes
    {
        private byte _element0;
    }
}
