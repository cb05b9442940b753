using HazChem.Transport.Dev.Testing;

namespace HazChem.Transport.EndToEnd.Tests;

/// <summary>The tests that share one running stack; they run one after another (one stack is heavy on 2 cores).</summary>
[CollectionDefinition(Name)]
public sealed class DevStackGroup : ICollectionFixture<DevStackFixture>
{
    public const string Name = "dev stack";
}

/// <summary>One dev stack (free ports, throw-away data folder) shared by every end-to-end test.</summary>
public sealed class DevStackFixture() : DevStackFixtureBase("e2e", TimeSpan.FromSeconds(90), defaultSubject: "e2e")
{
    /// <summary>Sends as <paramref name="role"/> (anonymously when null); the caller disposes the response.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? role = null, object? json = null, string subject = "e2e") =>
        SendRequestAsync(method, path, role, json, subject);
}
