using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using HazChem.Transport.Contracts.Telemetry.V1;
using HazChem.Transport.Simulator.Fleet;
using HazChem.Transport.Simulator.Jt808;

namespace HazChem.Transport.Simulator.Transport;

/// <summary>Maps a terminal fix to the gateway contract's <see cref="PositionFix"/>.</summary>
internal static class PositionFixes
{
    public static PositionFix From(string plate, LocationFix fix)
    {
        ArgumentNullException.ThrowIfNull(fix);
        return new PositionFix
        {
            Plate = plate,
            FixTime = Timestamp.FromDateTimeOffset(fix.FixTime),
            Lat = fix.Lat,
            Lon = fix.Lon,
            SpeedKmh = fix.SpeedKmh,
            HeadingDeg = fix.HeadingDeg,
            Valid = (fix.StatusFlags & Jt808Bits.StatusPositioned) != 0,
            AltitudeM = fix.AltitudeM,
            AlarmFlags = fix.AlarmFlags,
            StatusFlags = fix.StatusFlags,
            Late = fix.Late,
        };
    }

    /// <summary>Collects up to <paramref name="max"/> items, waiting at most <paramref name="linger"/> after the first.</summary>
    public static async Task<List<T>?> ReadBatchAsync<T>(ChannelReader<T> reader, int max, TimeSpan linger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (!await reader.WaitToReadAsync(cancellationToken))
        {
            return null;
        }

        var batch = new List<T>(max);
        using var lingering = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        lingering.CancelAfter(linger);
        while (batch.Count < max)
        {
            if (reader.TryRead(out var item))
            {
                batch.Add(item);
                continue;
            }

            try
            {
                if (!await reader.WaitToReadAsync(lingering.Token))
                {
                    break;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        return batch;
    }
}

/// <summary>
/// gRPC <c>ReportPositions</c>: fixes queue up and leave in batches on one long-lived stream; each
/// acknowledgement (in order) counts its accepted and rejected fixes. At most <c>maxInFlight</c> batches
/// are unacknowledged; a broken stream is reopened after a second and its unacknowledged fixes count as failed.
/// </summary>
internal sealed class GrpcBatchTransport : IFixTransport
{
    private readonly TelemetryService.TelemetryServiceClient _client;
    private readonly Metadata _headers;
    private readonly SimulatorStats _stats;
    private readonly int _batchSize;
    private readonly TimeSpan _linger;
    private readonly Channel<PositionFix> _queue = Channel.CreateBounded<PositionFix>(new BoundedChannelOptions(200_000) { SingleReader = true });
    private readonly SemaphoreSlim _inFlight;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private long _batchId;

    public GrpcBatchTransport(CallInvoker invoker, string? token, SimulatorStats stats, int batchSize = 500, TimeSpan? linger = null, int maxInFlight = 8)
    {
        _client = new TelemetryService.TelemetryServiceClient(invoker);
        _headers = token is null ? [] : new Metadata { { "authorization", "Bearer " + token } };
        _stats = stats ?? throw new ArgumentNullException(nameof(stats));
        _batchSize = batchSize;
        _linger = linger ?? TimeSpan.FromMilliseconds(100);
        _inFlight = new SemaphoreSlim(maxInFlight, maxInFlight);
        _pump = Task.Run(PumpAsync);
    }

    public Task ConnectAsync(TruckPlan truck, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task SendAsync(TruckPlan truck, LocationFix fix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(truck);
        return EnqueueAsync(PositionFixes.From(truck.Plate, fix), cancellationToken).AsTask();
    }

    public async Task SendBlindAsync(TruckPlan truck, IReadOnlyList<LocationFix> fixes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(truck);
        ArgumentNullException.ThrowIfNull(fixes);
        foreach (var fix in fixes)
        {
            await EnqueueAsync(PositionFixes.From(truck.Plate, fix with { Late = true }), cancellationToken);
        }
    }

    /// <summary>Queues one fix (waits while the queue is full).</summary>
    public ValueTask EnqueueAsync(PositionFix fix, CancellationToken cancellationToken) => _queue.Writer.WriteAsync(fix, cancellationToken);

    public Task HeartbeatAsync(TruckPlan truck, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DisconnectAsync(TruckPlan truck) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync();
        try
        {
            await _pump;
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            // stopping
        }

        _stop.Dispose();
        _inFlight.Dispose();
    }

    private async Task PumpAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            var pending = new Queue<int>();
            using var call = _client.ReportPositions(_headers, cancellationToken: token);
            var acks = Task.Run(() => ReadAcksAsync(call, pending, token), token);
            try
            {
                while (await PositionFixes.ReadBatchAsync(_queue.Reader, _batchSize, _linger, token) is { } batch)
                {
                    await _inFlight.WaitAsync(token);
                    if (acks.IsCompleted)
                    {
                        _inFlight.Release();
                        await acks;
                        throw new RpcException(new Status(StatusCode.Unavailable, "the acknowledgement stream ended"));
                    }

                    var request = new ReportPositionsRequest { BatchId = Interlocked.Increment(ref _batchId).ToString(System.Globalization.CultureInfo.InvariantCulture) };
                    request.Positions.AddRange(batch);
                    lock (pending)
                    {
                        pending.Enqueue(batch.Count);
                    }

                    await call.RequestStream.WriteAsync(request, token);
                    _stats.OnSent(batch.Count, blind: false);
                }

                await call.RequestStream.CompleteAsync();
                await acks;
                return;
            }
            catch (Exception ex) when (ex is RpcException or IOException or InvalidOperationException && !token.IsCancellationRequested)
            {
                int lost;
                lock (pending)
                {
                    lost = pending.Sum();
                    pending.Clear();
                }

                _stats.OnFailed(lost, $"gRPC ReportPositions: {ex.Message}");
                await Task.Delay(TimeSpan.FromSeconds(1), token);
            }
        }
    }

    private async Task ReadAcksAsync(AsyncDuplexStreamingCall<ReportPositionsRequest, ReportPositionsResponse> call, Queue<int> pending, CancellationToken cancellationToken)
    {
        await foreach (var ack in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            lock (pending)
            {
                pending.TryDequeue(out _);
            }

            _inFlight.Release();
            _stats.OnAcked(ack.Accepted);
            if (ack.Rejected.Count > 0)
            {
                var first = ack.Rejected[0];
                _stats.OnFailed(ack.Rejected.Count, $"batch {ack.BatchId}: fix {first.Index} {first.Code} {first.Reason}");
            }
        }
    }
}

/// <summary><c>POST /api/v1/positions:batch</c> with a bearer token; up to four batches in flight.</summary>
internal sealed class HttpBatchTransport : IFixTransport
{
    private readonly HttpClient _http;
    private readonly SimulatorStats _stats;
    private readonly int _batchSize;
    private readonly Channel<PositionFix> _queue = Channel.CreateBounded<PositionFix>(new BoundedChannelOptions(100_000) { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private readonly SemaphoreSlim _inFlight = new(4, 4);

    public HttpBatchTransport(HttpClient http, string token, SimulatorStats stats, int batchSize = 500)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _stats = stats ?? throw new ArgumentNullException(nameof(stats));
        _batchSize = batchSize;
        _pump = Task.Run(PumpAsync);
    }

    public Task ConnectAsync(TruckPlan truck, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task SendAsync(TruckPlan truck, LocationFix fix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(truck);
        return _queue.Writer.WriteAsync(PositionFixes.From(truck.Plate, fix), cancellationToken).AsTask();
    }

    public async Task SendBlindAsync(TruckPlan truck, IReadOnlyList<LocationFix> fixes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(truck);
        ArgumentNullException.ThrowIfNull(fixes);
        foreach (var fix in fixes)
        {
            await _queue.Writer.WriteAsync(PositionFixes.From(truck.Plate, fix with { Late = true }), cancellationToken);
        }
    }

    public Task HeartbeatAsync(TruckPlan truck, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DisconnectAsync(TruckPlan truck) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync();
        try
        {
            await _pump;
        }
        catch (OperationCanceledException)
        {
            // stopping
        }

        _stop.Dispose();
        _inFlight.Dispose();
    }

    private async Task PumpAsync()
    {
        var token = _stop.Token;
        var posts = new List<Task>();
        while (await PositionFixes.ReadBatchAsync(_queue.Reader, _batchSize, TimeSpan.FromMilliseconds(200), token) is { } batch)
        {
            await _inFlight.WaitAsync(token);
            posts.RemoveAll(t => t.IsCompleted);
            posts.Add(PostAsync(batch, token));
        }

        await Task.WhenAll(posts);
    }

    private async Task PostAsync(List<PositionFix> batch, CancellationToken cancellationToken)
    {
        try
        {
            var request = new ReportPositionsBatchRequest();
            request.Positions.AddRange(batch);
            using var content = new StringContent(Google.Protobuf.JsonFormatter.Default.Format(request), System.Text.Encoding.UTF8, "application/json");
            using var response = await _http.PostAsync(new Uri("api/v1/positions:batch", UriKind.Relative), content, cancellationToken);
            _stats.OnSent(batch.Count, blind: false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                _stats.OnFailed(batch.Count, $"POST positions:batch answered {(int)response.StatusCode}: {Truncate(text)}");
                return;
            }

            var ack = JsonSerializer.Deserialize<JsonElement>(text);
            _stats.OnAcked(ack.TryGetProperty("accepted", out var accepted) ? accepted.GetInt32() : 0);
            if (ack.TryGetProperty("rejected", out var rejected) && rejected.GetArrayLength() > 0)
            {
                _stats.OnFailed(rejected.GetArrayLength(), $"positions:batch rejected: {Truncate(rejected[0].ToString())}");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            _stats.OnFailed(batch.Count, $"POST positions:batch failed: {ex.Message}");
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private static string Truncate(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
