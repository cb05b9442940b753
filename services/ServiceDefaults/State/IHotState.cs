namespace HazChem.Transport.ServiceDefaults.State;

/// <summary>
/// Hot state only (latest positions, per-vehicle compliance state, watermarks, caches): losing it must never
/// lose a record, it is rebuilt from Kafka/PostgreSQL. Values are opaque bytes (protobuf).
/// </summary>
public interface IHotState
{
    /// <summary>The value under <paramref name="key"/>, or null.</summary>
    Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Sets the value, optionally with a time to live.</summary>
    Task SetAsync(string key, byte[] value, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default);

    /// <summary>Removes the key; true if it existed.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);
}
