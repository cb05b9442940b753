using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using HazChem.Transport.Dev;

namespace HazChem.Transport.EndToEnd.Tests;

/// <summary>The tests that share one running stack; they run one after another (one stack is heavy on 2 cores).</summary>
[CollectionDefinition(Name)]
public sealed class DevStackGroup : ICollectionFixture<DevStackFixture>
{
    public const string Name = "dev stack";
}

/// <summary>One dev stack (free ports, throw-away data folder) shared by every end-to-end test.</summary>
public sealed class DevStackFixture : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _log = new();
    private readonly ConcurrentDictionary<(string Role, string Subject), string> _tokens = new();
    private DevStack? _stack;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "hazchem-e2e-" + Guid.NewGuid().ToString("N"));

    public DevStack Stack => _stack ?? throw new InvalidOperationException("The stack did not start.");

    public HttpClient Client { get; private set; } = new();

    /// <summary>The children's output so far, for failure messages.</summary>
    public string Log => string.Join(Environment.NewLine, _log.TakeLast(80));

    public async ValueTask InitializeAsync()
    {
        _stack = DevStack.Start(new DevStackOptions
        {
            RepositoryRoot = DevStack.FindRepositoryRoot(AppContext.BaseDirectory),
            DataDirectory = DataDirectory,
            GatewayPort = 0,
            GatewayGrpcPort = 0,
            ServiceBasePort = 0,
            Jt808Port = 0,
            Output = (name, line) => _log.Enqueue($"[{name}] {line}"),
        });
        Client = new HttpClient { BaseAddress = _stack.GatewayAddress, Timeout = TimeSpan.FromSeconds(30) };
        var (healthy, body) = await _stack.WaitHealthyAsync(TimeSpan.FromSeconds(90));
        if (!healthy)
        {
            throw new InvalidOperationException($"The dev stack did not become healthy: {body}{Environment.NewLine}{Log}");
        }
    }

    /// <summary>
    /// A dev token for the role and subject, issued once and reused (tokens live 12 h): the gateway rate-limits
    /// its token endpoint per client, and asking for one per request trips it (429) on a slow machine.
    /// </summary>
    public async Task<string> TokenAsync(string role, string subject = "e2e")
    {
        if (_tokens.TryGetValue((role, subject), out var cached))
        {
            return cached;
        }

        using var response = await Client.PostAsJsonAsync("api/v1/dev/token", new { role, subject });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<TokenResponse>();
        return _tokens.GetOrAdd((role, subject), body!.Token);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? role = null, object? json = null, string subject = "e2e")
    {
        using var request = new HttpRequestMessage(method, path);
        if (role is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(role, subject));
        }

        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        return await Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private sealed record TokenResponse(string Token);
}
