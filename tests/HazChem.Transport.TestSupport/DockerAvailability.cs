using System.Net.Sockets;

namespace HazChem.Transport.TestSupport;

/// <summary>Whether a Docker engine answered, where, or why none did.</summary>
/// <param name="IsAvailable">True when an engine answered <c>GET /_ping</c>.</param>
/// <param name="Description">The endpoint that answered, or every endpoint tried and why each failed.</param>
public sealed record DockerEngineStatus(bool IsAvailable, string Description);

/// <summary>
/// Checks once per process, within a few seconds, whether a Docker engine answers, so that
/// Testcontainers is only tried where it can work and never hangs a run waiting for a daemon.
/// Looks at <c>DOCKER_HOST</c> when set, else the usual socket paths.
/// </summary>
public static class DockerAvailability
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(3);
    private static readonly Lazy<Task<DockerEngineStatus>> Status = new(ProbeAsync);

    /// <summary>The cached result of probing the Docker engine.</summary>
    public static Task<DockerEngineStatus> CheckAsync() => Status.Value;

    private static async Task<DockerEngineStatus> ProbeAsync()
    {
        var tried = new List<string>();
        foreach (var endpoint in CandidateEndpoints())
        {
            var failure = await PingAsync(endpoint);
            if (failure is null)
            {
                return new DockerEngineStatus(true, $"Docker engine answered at {endpoint}");
            }

            tried.Add($"{endpoint}: {failure}");
        }

        return new DockerEngineStatus(false, "no Docker engine answered (" + string.Join("; ", tried) + ")");
    }

    private static IEnumerable<string> CandidateEndpoints()
    {
        var dockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrWhiteSpace(dockerHost))
        {
            // An explicit DOCKER_HOST is what Testcontainers will use; looking elsewhere would mislead.
            yield return dockerHost;
            yield break;
        }

        yield return "unix:///var/run/docker.sock";
        var runtimeDir = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        if (!string.IsNullOrEmpty(runtimeDir))
        {
            yield return $"unix://{Path.Combine(runtimeDir, "docker.sock")}";
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home))
        {
            yield return $"unix://{Path.Combine(home, ".docker", "run", "docker.sock")}";
        }
    }

    /// <summary>Null when the engine answered the ping, else why not.</summary>
    private static async Task<string?> PingAsync(string endpoint)
    {
        Uri pingUri;
        var handler = new SocketsHttpHandler { ConnectTimeout = PingTimeout };
        if (endpoint.StartsWith("unix://", StringComparison.Ordinal))
        {
            var socketPath = endpoint["unix://".Length..];
            if (!File.Exists(socketPath))
            {
                handler.Dispose();
                return "socket does not exist";
            }

            handler.ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
            pingUri = new Uri("http://docker/_ping");
        }
        else if (endpoint.StartsWith("tcp://", StringComparison.Ordinal)
            && Uri.TryCreate(endpoint.Replace("tcp://", "http://", StringComparison.Ordinal), UriKind.Absolute, out var tcp))
        {
            var scheme = Environment.GetEnvironmentVariable("DOCKER_TLS_VERIFY") is { Length: > 0 } and not "0" ? "https" : "http";
            pingUri = new Uri($"{scheme}://{tcp.Authority}/_ping");
        }
        else
        {
            handler.Dispose();
            return "unsupported endpoint scheme (expected unix:// or tcp://)";
        }

        using var client = new HttpClient(handler, disposeHandler: true) { Timeout = PingTimeout };
        try
        {
            using var response = await client.GetAsync(pingUri);
            return response.IsSuccessStatusCode ? null : $"ping answered HTTP {(int)response.StatusCode}";
        }
        catch (HttpRequestException ex)
        {
            return $"ping failed: {ex.InnerException?.Message ?? ex.Message}";
        }
        catch (TaskCanceledException)
        {
            return $"no answer to ping within {PingTimeout.TotalSeconds:0}s";
        }
    }
}
