using StackExchange.Redis;

namespace HazChem.Transport.ServiceDefaults.State;

/// <summary>Hot state in Redis, shared by every replica of a service.</summary>
public sealed class RedisHotState(IConnectionMultiplexer redis) : IHotState
{
    /// <inheritdoc />
    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var value = await redis.GetDatabase().StringGetAsync(key);
        return value.IsNull ? null : (byte[]?)value;
    }

    /// <inheritdoc />
    public Task SetAsync(string key, byte[] value, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default) =>
        redis.GetDatabase().StringSetAsync(key, value, timeToLive is { } ttl ? new Expiration(ttl) : Expiration.Default);

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        redis.GetDatabase().KeyDeleteAsync(key);
}
