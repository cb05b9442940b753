using System.Buffers.Text;
using System.Text.Json;

namespace HazChem.Transport.Qualification.Storage;

/// <summary>Which page to read: at most <paramref name="Size"/> items after the key in <paramref name="After"/> (null = first page).</summary>
internal sealed record PageRequest(int Size, IReadOnlyList<string>? After)
{
    /// <summary>The page size when the caller asks for none.</summary>
    public const int DefaultSize = 50;

    /// <summary>The largest page a caller may ask for.</summary>
    public const int MaxSize = 500;
}

/// <summary>
/// Opaque page tokens: the sort key of the last item returned (keyset paging, so inserts between two calls never
/// shift a page), as base64url of a JSON array of strings.
/// </summary>
internal static class PageToken
{
    /// <summary>The token for the page after an item with sort key <paramref name="key"/>.</summary>
    public static string Encode(params string[] key) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(key));

    /// <summary>The sort key in a token, or null when the token was not made by <see cref="Encode"/>.</summary>
    public static IReadOnlyList<string>? Decode(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        try
        {
            var key = JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(token));
            return key is { Length: > 0 } && key.All(k => k is not null) ? key : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }
}
