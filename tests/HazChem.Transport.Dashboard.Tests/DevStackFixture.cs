using System.Text.Json;
using HazChem.Transport.Dev.Testing;

namespace HazChem.Transport.Dashboard.Tests;

/// <summary>The dashboard tests that need the whole system share one dev stack and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class DevStackGroup : ICollectionFixture<DevStackFixture>
{
    public const string Name = "dashboard dev stack";
}

/// <summary>One dev stack (free ports, throw-away data folder), as the dev launcher runs it, with dev tokens.</summary>
public sealed class DevStackFixture() : DevStackFixtureBase("dashboard", TimeSpan.FromSeconds(180), defaultSubject: "dashboard-test")
{
    /// <summary>Sends JSON as <paramref name="role"/>; returns the status and the body (default when empty).</summary>
    public async Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string role, object? json = null, string subject = "dashboard-test")
    {
        using var response = await SendRequestAsync(method, path, role, json, subject);
        var text = await response.Content.ReadAsStringAsync();
        JsonElement body = default;
        if (text.Length > 0)
        {
            try
            {
                body = JsonSerializer.Deserialize<JsonElement>(text);
            }
            catch (JsonException)
            {
                body = JsonSerializer.SerializeToElement(new { raw = text });
            }
        }

        return ((int)response.StatusCode, body);
    }

    /// <summary>Like <see cref="SendAsync"/>, failing with the status, body and recent stack log unless 2xx.</summary>
    public async Task<JsonElement> SendOkAsync(HttpMethod method, string path, string role, object? json = null, string subject = "dashboard-test")
    {
        var (status, body) = await SendAsync(method, path, role, json, subject);
        Assert.True(status is >= 200 and < 300, $"{method} {path} as {role}: HTTP {status} {body}");
        return body;
    }
}
