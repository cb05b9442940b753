using System.Text;

namespace HazChem.Transport.Telemetry.Jt808;

/// <summary>JT/T 808 STRING fields: GBK text, padded with 0x00 (standard) or spaces (real devices).</summary>
internal static class Jt808Text
{
    /// <summary>
    /// GBK (code page 936). The code-page encodings ship with the runtime but must be registered once;
    /// replacement fallbacks make undecodable device bytes come out as '?' instead of throwing.
    /// </summary>
    public static Encoding Gbk { get; } = CreateGbk();

    /// <summary>Decodes GBK text after trimming 0x00 and space padding from both ends.</summary>
    public static string DecodeTrimmed(ReadOnlySpan<byte> raw)
    {
        var trimmed = Trim(raw);
        return trimmed.IsEmpty ? string.Empty : Gbk.GetString(trimmed);
    }

    /// <summary>Trims 0x00 and 0x20 from both ends. Leading ASCII '0' is kept: IDs may start with 0.</summary>
    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> raw)
    {
        ReadOnlySpan<byte> padding = [0x00, 0x20];
        return raw.Trim(padding);
    }

    private static Encoding CreateGbk()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(936, EncoderFallback.ReplacementFallback, DecoderFallback.ReplacementFallback);
    }
}
