using System.Collections.Concurrent;

namespace HazChem.Transport.ServiceDefaults.State;

/// <summary>Hot state in this process, for the embedded default and single-replica runs.</summary>
public sealed class InMemoryHotState(TimeProvider time) : IHotState
{
    private readonly ConcurrentDictionary<string, (byte[] Value, DateTimeOffset? Expires)> _entries = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if (entry.Expires is null || entry.Expires > time.GetUtcNow())
            {
                return Task.FromResult<byte[]?>(entry.Value);
            }

            _entries.TryRemove(KeyValuePair.Create(key, entry));
        }

        return Task.FromResult<byte[]?>(null);
    }

    /// <inheritdoc />
    public Task SetAsync(string key, byte[] value, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
    {
        _entries[key] = (value, timeToLive is { } ttl ? time.GetUtcNow() + ttl : null);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(_entries.TryRemove(key, out _));
}
