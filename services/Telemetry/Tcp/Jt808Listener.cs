using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using HazChem.Transport.Telemetry.Options;
using HazChem.Transport.Telemetry.Pipeline;
using HazChem.Transport.Telemetry.Registry;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.Telemetry.Tcp;

/// <summary>
/// The JT/T 808 TCP server: binds at start (so the port is known when the host has started), accepts on one
/// async loop and runs each connection as an async task — no thread per connection; an idle connection costs a
/// socket and a few small objects.
/// </summary>
internal sealed partial class Jt808Listener(
    IOptions<Jt808Options> options,
    IngestPipeline pipeline,
    IVehicleDirectory vehicles,
    Jt808AuthCodes authCodes,
    Jt808Profiles profiles,
    TimeProvider time,
    ILogger<Jt808Listener> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private Socket? _socket;
    private Task? _acceptLoop;
    private long _nextId;
    private int _maxConnections = int.MaxValue;
    private long _refused;

    /// <summary>Where the server listens (with the real port when configured as 0); null when disabled or not started.</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    /// <summary>Connections open now.</summary>
    public int ConnectionCount => _connections.Count;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return Task.CompletedTask;
        }

        authCodes.EnsureConfigured();
        var address = IPAddress.Parse(settings.BindAddress);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (address.Equals(IPAddress.IPv6Any))
        {
            socket.DualMode = true;
        }

        socket.Bind(new IPEndPoint(address, settings.Port));
        socket.Listen(settings.Backlog);
        _socket = socket;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        LogListening(logger, LocalEndPoint);
        var shared = new Jt808ConnectionServices(pipeline, vehicles, authCodes, profiles, settings, time, logger);
        _maxConnections = settings.MaxConnections > 0 ? settings.MaxConnections : DefaultMaxConnections();
        _acceptLoop = AcceptLoopAsync(socket, shared);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_socket is null)
        {
            return;
        }

        await _stopping.CancelAsync();
        _socket.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop;
        }

        try
        {
            await Task.WhenAll(_connections.Values).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout: the remaining sockets close with the process.
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _socket?.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener, Jt808ConnectionServices shared)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // e.g. the peer reset before accept completed, or too many open files: keep accepting, but give the
                // process a moment to free descriptors instead of spinning on the failure.
                LogAcceptFailed(logger, ex.SocketErrorCode);
                await DelayQuietlyAsync(TimeSpan.FromMilliseconds(100));
                continue;
            }

            if (_connections.Count >= _maxConnections)
            {
                client.Dispose();
                if (Interlocked.Increment(ref _refused) % 1000 == 1)
                {
                    LogConnectionLimit(logger, _maxConnections, Interlocked.Read(ref _refused));
                }

                continue;
            }

            client.NoDelay = true;
            var id = Interlocked.Increment(ref _nextId);
            var connection = new Jt808Connection(client, shared, id);

            // Registered before it runs: a connection that ends at once (a balancer's TCP probe) removes its own entry,
            // never before it exists, so the count and the limit cannot drift.
            var start = new Task<Task>(() => RunAsync(connection));
            _connections.TryAdd(id, start.Unwrap());
            start.Start(TaskScheduler.Default);
        }
    }

    /// <summary>The open-files soft limit (Linux <c>/proc/self/limits</c>) less a reserve; 100,000 where it cannot be read.</summary>
    internal static int DefaultMaxConnections()
    {
        const int Reserve = 1024;
        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var soft = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(3);
            if (int.TryParse(soft, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var limit))
            {
                return Math.Max(1, limit - Reserve);
            }
        }
        catch (IOException)
        {
            // Not Linux: fall through.
        }
        catch (UnauthorizedAccessException)
        {
            // Not readable: fall through.
        }

        return 100_000;
    }

    private async Task DelayQuietlyAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _stopping.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop ends on its next check.
        }
    }

    private async Task RunAsync(Jt808Connection connection)
    {
        try
        {
            await connection.RunAsync(_stopping.Token);
        }
        catch (Exception ex)
        {
            LogConnectionFailed(logger, connection.Id, ex);
        }
        finally
        {
            _connections.TryRemove(connection.Id, out _);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "JT/T 808 server listening on {EndPoint}")]
    private static partial void LogListening(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "JT/T 808 connection limit {Limit} reached: new connections are closed ({Refused} so far)")]
    private static partial void LogConnectionLimit(ILogger logger, int limit, long refused);

    [LoggerMessage(Level = LogLevel.Warning, Message = "JT/T 808 accept failed: {Error}")]
    private static partial void LogAcceptFailed(ILogger logger, SocketError error);

    [LoggerMessage(Level = LogLevel.Error, Message = "JT/T 808 connection {Connection} failed")]
    private static partial void LogConnectionFailed(ILogger logger, long connection, Exception exception);
}
