using HazChem.Transport.ServiceDefaults.State;
using HazChem.Transport.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HazChem.Transport.ServiceDefaults.Tests;

/// <summary>Hot state behaves the same in memory and in a real Redis, chosen by configuration.</summary>
public sealed class HotStateTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Redis_SetGetDelete_RoundTripsBytesAndExpires()
    {
        redis.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var provider = Build(new() { ["State:Store"] = "Redis", ["Redis:Configuration"] = redis.ConnectionString });
        var state = provider.GetRequiredService<IHotState>();
        var key = "test:" + Guid.NewGuid().ToString("N");

        await state.SetAsync(key, [1, 2, 3], cancellationToken: ct);
        await state.SetAsync(key + ":short", [9], TimeSpan.FromMilliseconds(200), ct);
        var read = await state.GetAsync(key, ct);
        await Task.Delay(TimeSpan.FromMilliseconds(400), ct);
        var expired = await state.GetAsync(key + ":short", ct);
        var deleted = await state.DeleteAsync(key, ct);
        var afterDelete = await state.GetAsync(key, ct);

        Assert.IsType<RedisHotState>(state);
        Assert.Equal(new byte[] { 1, 2, 3 }, read);
        Assert.Null(expired);
        Assert.True(deleted);
        Assert.Null(afterDelete);
    }

    [Fact]
    public async Task InMemory_ValueWithTimeToLive_ExpiresOnTheInjectedClock()
    {
        var time = new FakeTimeProvider();
        var state = new InMemoryHotState(time);
        var ct = TestContext.Current.CancellationToken;

        await state.SetAsync("latest:渝A12345", [42], TimeSpan.FromMinutes(10), ct);
        var fresh = await state.GetAsync("latest:渝A12345", ct);
        time.Advance(TimeSpan.FromMinutes(11));
        var stale = await state.GetAsync("latest:渝A12345", ct);

        Assert.Equal(new byte[] { 42 }, fresh);
        Assert.Null(stale);
    }

    [Fact]
    public async Task Configuration_Default_IsInMemory()
    {
        await using var provider = Build([]);

        Assert.IsType<InMemoryHotState>(provider.GetRequiredService<IHotState>());
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddSingleton(TimeProvider.System);
        services.AddHotState(configuration);
        return services.BuildServiceProvider();
    }
}
