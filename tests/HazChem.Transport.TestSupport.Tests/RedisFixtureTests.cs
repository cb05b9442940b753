using StackExchange.Redis;
using Xunit;

namespace HazChem.Transport.TestSupport.Tests;

/// <summary>Shares the fixture as a collection fixture: every class in the collection gets one server.</summary>
[CollectionDefinition(Name)]
public sealed class SharedRedis : ICollectionFixture<RedisFixture>
{
    public const string Name = "Redis";
}

[Collection(SharedRedis.Name)]
public sealed class RedisFixtureTests(RedisFixture redis)
{
    [Fact]
    public async Task StringSet_WithExpiry_ValueReadBackWithPositiveTtl()
    {
        redis.Require();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var database = connection.GetDatabase();
        var key = $"test:{Guid.NewGuid():N}:last-position";

        var stored = await database.StringSetAsync(key, "沪A12345@31.2304,121.4737", TimeSpan.FromMinutes(5));
        var value = await database.StringGetAsync(key);
        var ttl = await database.KeyTimeToLiveAsync(key);
        await database.KeyDeleteAsync(key);

        Assert.True(stored);
        Assert.Equal("沪A12345@31.2304,121.4737", value.ToString());
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
    }
}
