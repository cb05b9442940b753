using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.ServiceDefaults.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.ServiceDefaults.Tests;

/// <summary>A bad configuration stops the process at start with a message naming the key.</summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("not base64!")]
    [InlineData("c2hvcnQ=")]
    public async Task Start_SigningKeyMissingOrWeak_FailsNamingTheKey(string? key)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        if (key is not null)
        {
            builder.Configuration["Auth:SigningKey"] = key;
        }

        builder.AddServiceDefaults();
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Auth:SigningKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddServiceDatabase_ProviderWithoutConnectionString_FailsNamingTheKey()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["Storage:Provider"] = "Postgres";

        var error = Assert.Throws<InvalidOperationException>(() => builder.Services.AddServiceDatabase<TestDbContext>(builder.Configuration));

        Assert.Contains("ConnectionStrings:Postgres", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Policies_EveryRoleIsKnown_AndEveryPolicyAllowsSomeone()
    {
        Assert.All(Policies.RolesByPolicy, p =>
        {
            Assert.NotEmpty(p.Value);
            Assert.All(p.Value, role => Assert.True(Roles.All.Contains(role) || role == Roles.Service, role));
        });
        Assert.Equal([Roles.Terminal], Policies.RolesByPolicy[Policies.LoadingCheckRun]);
        Assert.Equal([Roles.Admin], Policies.RolesByPolicy[Policies.RegistryWrite]);
    }
}
