using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HazChem.Transport.Benchmarks.Ingest;

/// <summary>
/// A second Telemetry replica for the idle scenario: the same binary with the same configuration as the running
/// Telemetry (read from <c>/proc/&lt;pid&gt;/cmdline</c> and <c>environ</c>), on free HTTP and JT/T 808 ports. One
/// process here may hold at most <c>ulimit -n</c> descriptors (20,000, not raisable on this machine), so holding more
/// idle terminals takes more replicas behind an L4 balancer — as in <c>k8s/</c>; the benchmark plays the balancer.
/// </summary>
internal sealed class TelemetryReplica : IDisposable
{
    private readonly Process _process;

    private TelemetryReplica(Process process, IPEndPoint jt808)
    {
        _process = process;
        Jt808 = jt808;
        Probe = new ProcessProbe(process.Id);
    }

    public IPEndPoint Jt808 { get; }

    public ProcessProbe Probe { get; }

    /// <summary>Starts a clone of <paramref name="original"/> and waits until its JT/T 808 port accepts.</summary>
    public static async Task<TelemetryReplica> StartAsync(ProcessProbe original, Action<string> log, CancellationToken cancellationToken)
    {
        var command = ReadNulSeparated($"/proc/{original.Pid}/cmdline");
        var environment = ReadNulSeparated($"/proc/{original.Pid}/environ");
        var (httpPort, jt808Port) = (FreePort(), FreePort());
        var start = new ProcessStartInfo(command[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = new FileInfo($"/proc/{original.Pid}/cwd").LinkTarget,
        };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var entry in environment)
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                start.Environment[entry[..equals]] = entry[(equals + 1)..];
            }
        }

        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Kestrel__Endpoints__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["Urls"] = $"http://127.0.0.1:{httpPort}";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}";
        start.Environment["Jt808__Port"] = jt808Port.ToString(CultureInfo.InvariantCulture);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command[0]}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                log("  replica: " + line);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var replica = new TelemetryReplica(process, new IPEndPoint(IPAddress.Loopback, jt808Port));
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the Telemetry replica exited with {process.ExitCode}");
            }

            try
            {
                using var probe = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await probe.ConnectAsync(replica.Jt808, cancellationToken);
                log($"  replica pid {process.Id}: JT/T 808 on {replica.Jt808} after {clock.Elapsed.TotalSeconds:0.0} s");
                return replica;
            }
            catch (SocketException) when (clock.Elapsed < TimeSpan.FromMinutes(1))
            {
                await Task.Delay(250, cancellationToken);
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }

    private static string[] ReadNulSeparated(string path) =>
        Encoding.UTF8.GetString(File.ReadAllBytes(path)).Split('\0', StringSplitOptions.RemoveEmptyEntries);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
