using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HazChem.Transport.Dev;

namespace HazChem.Transport.Dashboard.Tests;

/// <summary>The dashboard tests that need the whole system share one dev stack and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class DevStackGroup : ICollectionFixture<DevStackFixture>
{
    public const string Name = "dashboard dev stack";
}

/// <summary>One dev stack (free ports, throw-away data folder), as the dev launcher runs it, with dev tokens.</summary>
public sealed class DevStackFixture : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _log = new();
    private readonly ConcurrentDictionary<(string Role, string Subject), string> _tokens = new();
    private DevStack? _stack;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "hazchem-dashboard-" + Guid.NewGuid().ToString("N"));

    public DevStack Stack => _stack ?? throw new InvalidOperationException("The stack did not start.");

    public Uri Address => Stack.GatewayAddress;

    public HttpClient Client { get; private set; } = new();

    /// <summary>The children's output so far, for failure messages.</summary>
    public string Log => string.Join(Environment.NewLine, _log.TakeLast(80));

    /// <summary>The last <paramref name="count"/> lines of one child (health-check noise left out).</summary>
    public string LogOf(string name, int count = 25) =>
        string.Join(Environment.NewLine, _log.Where(l => l.StartsWith($"[{name}]", StringComparison.Ordinal) && !l.Contains("HealthCheck", StringComparison.Ordinal)).TakeLast(count));

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
        var (healthy, body) = await _stack.WaitHealthyAsync(TimeSpan.FromSeconds(180));
        if (!healthy)
        {
            throw new InvalidOperationException($"The dev stack did not become healthy: {body}{Environment.NewLine}{Log}");
        }
    }

    /// <summary>A dev token for the role and subject, issued once and reused (the token endpoint is rate-limited).</summary>
    public async Task<string> TokenAsync(string role, string subject)
    {
        if (_tokens.TryGetValue((role, subject), out var cached))
        {
            return cached;
        }

        using var response = await Client.PostAsJsonAsync("api/v1/dev/token", new { role, subject });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        return _tokens.GetOrAdd((role, subject), token);
    }

    /// <summary>Sends JSON as <paramref name="role"/>; returns the status and the body (default when empty).</summary>
    public async Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string role, object? json = null, string subject = "dashboard-test")
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(role, subject));
        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        using var response = await Client.SendAsync(request);
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
}
