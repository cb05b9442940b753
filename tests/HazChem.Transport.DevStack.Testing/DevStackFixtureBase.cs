using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Xunit;

namespace HazChem.Transport.Dev.Testing;

/// <summary>
/// One dev stack as the dev launcher runs it (every port free, a throw-away data folder), its children's output
/// and one cached dev token per role and subject. Derive a sealed fixture per test project and share it through
/// an xunit collection: one stack is heavy on 2 cores, so the tests on it run one after another.
/// </summary>
public abstract class DevStackFixtureBase : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _log = new();
    private readonly ConcurrentDictionary<(string Role, string Subject), string> _tokens = new();
    private readonly TimeSpan _healthTimeout;
    private DevStack? _stack;

    /// <summary>Creates the fixture.</summary>
    /// <param name="name">Names the data folder, <c>hazchem-{name}-{guid}</c> under the temp folder.</param>
    /// <param name="healthTimeout">How long the gateway's <c>/health</c> may take to turn 200 after the start.</param>
    /// <param name="defaultSubject">The token subject when a caller names none.</param>
    protected DevStackFixtureBase(string name, TimeSpan healthTimeout, string defaultSubject)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(defaultSubject);
        DataDirectory = Path.Combine(Path.GetTempPath(), $"hazchem-{name}-" + Guid.NewGuid().ToString("N"));
        _healthTimeout = healthTimeout;
        DefaultSubject = defaultSubject;
    }

    /// <summary>The stack's data folder, deleted on disposal.</summary>
    public string DataDirectory { get; }

    /// <summary>The token subject used when a caller names none.</summary>
    public string DefaultSubject { get; }

    /// <summary>The running stack.</summary>
    public DevStack Stack => _stack ?? throw new InvalidOperationException("The stack did not start.");

    /// <summary>The gateway's HTTP address.</summary>
    public Uri Address => Stack.GatewayAddress;

    /// <summary>A client on the gateway's HTTP address (no token set).</summary>
    public HttpClient Client { get; private set; } = new();

    /// <summary>The children's output so far, for failure messages.</summary>
    public string Log => string.Join(Environment.NewLine, _log.TakeLast(80));

    /// <summary>The last <paramref name="count"/> lines of one child (health-check noise left out).</summary>
    public string LogOf(string name, int count = 25) =>
        string.Join(Environment.NewLine, _log.Where(l => l.StartsWith($"[{name}]", StringComparison.Ordinal) && !l.Contains("HealthCheck", StringComparison.Ordinal)).TakeLast(count));

    /// <summary>Starts the stack and waits until the gateway reports it healthy; fails with the log otherwise.</summary>
    public async ValueTask InitializeAsync()
    {
        _stack = DevStack.Start(DevStackOptions.OnFreePorts(DataDirectory, (name, line) => _log.Enqueue($"[{name}] {line}")));
        Client = new HttpClient { BaseAddress = _stack.GatewayAddress, Timeout = TimeSpan.FromSeconds(30) };
        var (healthy, body) = await _stack.WaitHealthyAsync(_healthTimeout);
        if (!healthy)
        {
            throw new InvalidOperationException($"The dev stack did not become healthy: {body}{Environment.NewLine}{Log}");
        }
    }

    /// <summary>
    /// A dev token for the role and subject (<see cref="DefaultSubject"/> when null), issued once and reused (tokens
    /// live 12 h): the gateway rate-limits its token endpoint per client, and asking for one per request trips it
    /// (429) on a slow machine.
    /// </summary>
    public async Task<string> TokenAsync(string role, string? subject = null)
    {
        subject ??= DefaultSubject;
        if (_tokens.TryGetValue((role, subject), out var cached))
        {
            return cached;
        }

        using var response = await Client.PostAsJsonAsync("api/v1/dev/token", new { role, subject });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<TokenResponse>();
        return _tokens.GetOrAdd((role, subject), body!.Token);
    }

    /// <summary>
    /// Sends <paramref name="json"/> (if any) to the gateway, as <paramref name="role"/> with a dev token or
    /// anonymously when the role is null. The caller disposes the response.
    /// </summary>
    public async Task<HttpResponseMessage> SendRequestAsync(HttpMethod method, string path, string? role = null, object? json = null, string? subject = null)
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

    /// <summary>Stops the stack and deletes its data folder.</summary>
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

        GC.SuppressFinalize(this);
    }

    private sealed record TokenResponse(string Token);
}
