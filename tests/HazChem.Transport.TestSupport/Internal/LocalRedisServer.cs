using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HazChem.Transport.TestSupport.Internal;

/// <summary>A throw-away redis-server child process on a free loopback port, with persistence off.</summary>
internal sealed class LocalRedisServer : IAsyncDisposable
{
    private const string PidFileName = "redis.pid";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private static readonly Lock OrphanGate = new();
    private static bool _orphansCleaned;

    private readonly Process _process;
    private readonly OutputTail _output;
    private readonly string _scratch;

    private LocalRedisServer(Process process, OutputTail output, string scratch, string executable, int port)
    {
        _process = process;
        _output = output;
        _scratch = scratch;
        Port = port;
        Description = $"throw-away {executable} on 127.0.0.1:{port}";
    }

    public int Port { get; }

    public string Description { get; }

    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    public static async Task<LocalRedisServer> StartAsync(string executable, CancellationToken cancellationToken)
    {
        CleanOrphansOnce();

        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            var scratch = ScratchDirectory.Create("redis");
            var port = FreePort.Next();
            var startInfo = ProcessRunner.CreateStartInfo(
                executable,
                ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", scratch, "--daemonize", "no"]);
            startInfo.WorkingDirectory = scratch;
            var output = new OutputTail();
            var process = new Process { StartInfo = startInfo };
            process.OutputDataReceived += (_, e) => output.Add(e.Data);
            process.ErrorDataReceived += (_, e) => output.Add(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await File.WriteAllTextAsync(Path.Combine(scratch, PidFileName), process.Id.ToString(CultureInfo.InvariantCulture), cancellationToken);

            var server = new LocalRedisServer(process, output, scratch, executable, port);
            try
            {
                await server.WaitForPongAsync(cancellationToken);
                return server;
            }
            catch (InvalidOperationException) when (attempt < attempts && output.ToString().Contains("in use", StringComparison.OrdinalIgnoreCase))
            {
                // Another process took the port between our probe and redis binding it; try a new one.
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        ProcessRunner.Kill(_process);
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                // Killed but not yet reaped; nothing more to do.
            }
        }

        _process.Dispose();
        ScratchDirectory.Delete(_scratch);
    }

    private async Task WaitForPongAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        string lastError = "no attempt made";
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"redis-server exited with code {_process.ExitCode} before answering PING on port {Port}. Output tail:{Environment.NewLine}{_output}");
            }

            try
            {
                if (await PingAsync(cancellationToken))
                {
                    return;
                }

                lastError = "answered, but not +PONG";
            }
            catch (SocketException ex)
            {
                lastError = ex.Message;
            }
            catch (IOException ex)
            {
                lastError = ex.Message;
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new TimeoutException(
            $"redis-server did not answer PING on 127.0.0.1:{Port} within {StartTimeout.TotalSeconds:0}s (last error: {lastError}). Output tail:{Environment.NewLine}{_output}");
    }

    private async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(TimeSpan.FromSeconds(1));
        await client.ConnectAsync(IPAddress.Loopback, Port, attempt.Token);
        var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray(), attempt.Token);
        var buffer = new byte[64];
        var read = await stream.ReadAsync(buffer, attempt.Token);
        return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
    }

    /// <summary>Kills redis-servers that test runs killed before they could clean up. Once per process.</summary>
    private static void CleanOrphansOnce()
    {
        lock (OrphanGate)
        {
            if (_orphansCleaned)
            {
                return;
            }

            _orphansCleaned = true;
        }

        foreach (var orphan in ScratchDirectory.FindOrphans("redis"))
        {
            try
            {
                var pid = int.Parse(File.ReadAllText(Path.Combine(orphan, PidFileName)), CultureInfo.InvariantCulture);
                using var process = Process.GetProcessById(pid);
                // Only a redis-server: the pid may since have gone to an unrelated process.
                if (process.ProcessName.StartsWith("redis-server", StringComparison.Ordinal))
                {
                    process.Kill();
                    process.WaitForExit(TimeSpan.FromSeconds(5));
                }
            }
            catch (Exception ex) when (ex is IOException or FormatException or ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone or not ours.
            }

            ScratchDirectory.Delete(orphan);
        }
    }
}
