using Xunit;
using Xunit.Sdk;

namespace HazChem.Transport.TestSupport.Tests;

public sealed class ComponentPolicyTests
{
    private const string Reason = "Redis is unavailable. Tried: HAZCHEM_TEST_REDIS not set | local binary: redis-server not found on PATH";

    [Fact]
    public void Unavailable_OnCi_FailsWithTheReason()
    {
        var exception = ComponentPolicy.Unavailable(Reason, skipEvenInCi: false, isCi: true);

        var failure = Assert.IsType<ComponentUnavailableException>(exception);
        Assert.Contains(Reason, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unavailable_OffCi_SkipsWithTheReason()
    {
        var exception = ComponentPolicy.Unavailable(Reason, skipEvenInCi: false, isCi: false);

        var skip = Assert.IsType<SkipException>(exception);
        Assert.Contains(Reason, skip.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unavailable_DockerOnlyOnCi_StillSkips()
    {
        var exception = ComponentPolicy.Unavailable("no Docker engine answered", skipEvenInCi: true, isCi: true);

        var skip = Assert.IsType<SkipException>(exception);
        Assert.Contains("no Docker engine answered", skip.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unavailable_EmptyReason_Throws()
    {
        Assert.Throws<ArgumentException>(() => ComponentPolicy.Unavailable(" ", skipEvenInCi: false, isCi: true));
    }

    [Fact]
    public async Task UnavailableReason_UninitialisedFixture_SaysHowToUseIt()
    {
        // Require() would skip or fail this very test, so the reason it would give is checked instead.
        await using var fixture = new RedisFixture();

        Assert.False(fixture.IsAvailable);
        Assert.Contains("was not initialised", fixture.UnavailableReason, StringComparison.Ordinal);
    }
}
