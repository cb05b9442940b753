using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using HazChem.Transport.Dev;

namespace HazChem.Transport.Dashboard.Tests;

/// <summary>
/// The gateway alone (dev tokens on, no service behind it): enough for the page, its assets and sign-in, so these
/// tests do not wait for — or depend on — the five services.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _log = new();
    private Process? _process;

    public Uri Address { get; private set; } = new("http://localhost/");

    public string Log => string.Join(Environment.NewLine, _log.TakeLast(60));

    public async ValueTask InitializeAsync()
    {
        var root = DevStack.FindRepositoryRoot(AppContext.BaseDirectory);
        var configuration = typeof(GatewayFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BuildConfiguration")?.Value ?? "Debug";
        var dll = Path.Combine(root, "gateway", "Gateway", "bin", configuration, "net10.0", "HazChem.Transport.Gateway.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"The gateway is not built at {dll} (building this test project builds it).", dll);
        }

        Address = new Uri($"http://localhost:{DevStack.FreePort()}/");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        // Development: static web assets resolve to gateway/Gateway/wwwroot in the source tree, as in the dev stack.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Auth__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        start.Environment["Gateway__DevTokens"] = "true";
        start.Environment["Kestrel__Endpoints__Http__Url"] = Address.ToString();
        start.Environment["Kestrel__Endpoints__Grpc__Url"] = $"http://localhost:{DevStack.FreePort()}/";
        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start the gateway.");
        _process.OutputDataReceived += (_, e) => Collect(e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The gateway exited with {_process.ExitCode}: {Log}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("alive", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or too busy to answer in time.
            }

            await Task.Delay(250);
        }

        throw new InvalidOperationException($"The gateway did not answer /alive at {Address}: {Log}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is not null)
        {
            _log.Enqueue(line);
        }
    }
}
