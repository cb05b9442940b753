using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Grpc.Core;
using Grpc.Net.Client;
using HazChem.Transport.Contracts.Telemetry.V1;

namespace HazChem.Transport.Benchmarks.Compliance;

/// <summary>
/// Offers fixes at a fixed rate over gRPC <c>ReportPositions</c>: one generator makes the fixes that are due (round
/// robin over the fleet, so every vehicle reports at rate / vehicles Hz) every few milliseconds; vehicle i always goes
/// on stream i mod streams, so each vehicle's fixes stay in order. The moment a batch is written is the send time of
/// its speeding fixes (<see cref="LatencyBook"/>). A stream that falls behind makes the generator wait, so
/// <see cref="Sent"/> says what was really offered.
/// </summary>
internal sealed class PositionSender : IAsyncDisposable
{
    private const int MaxInFlight = 16;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);

    private readonly FleetMotion _motion;
    private readonly LatencyBook _book;
    private readonly TimeProvider _time;
    private readonly int _batchSize;
    private readonly List<Lane> _streams;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, long> _rejected = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _rejectionSamples = new();
    private Task? _generator;
    private double _rate;
    private long _sent;
    private long _accepted;
    private string? _failure;

    public PositionSender(Uri address, string token, FleetMotion motion, LatencyBook book, TimeProvider time, int streams, int batchSize)
    {
        _motion = motion;
        _book = book;
        _time = time;
        _batchSize = batchSize;
        var headers = new Metadata { { "authorization", "Bearer " + token } };
        _streams = [.. Enumerable.Range(0, streams).Select(_ => new Lane(this, address, headers))];
    }

    /// <summary>Fixes written to the streams.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Fixes Telemetry acknowledged as accepted.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    public IReadOnlyDictionary<string, long> Rejected => _rejected;

    public IEnumerable<string> RejectionSamples => _rejectionSamples;

    public string? Failure => _failure;

    /// <summary>The offered fixes per second (may change while running).</summary>
    public double Rate
    {
        get => Volatile.Read(ref _rate);
        set => Volatile.Write(ref _rate, value);
    }

    /// <summary>Starts offering <paramref name="rate"/> fixes/s; <paramref name="clock"/> is the run's clock (seconds into the run).</summary>
    public void Start(double rate, Stopwatch clock)
    {
        foreach (var stream in _streams)
        {
            stream.Start();
        }

        Rate = rate;
        _generator = Task.Run(() => GenerateAsync(clock, _stop.Token));
    }

    /// <summary>Stops generating and waits until every written batch is acknowledged (or <paramref name="timeout"/>).</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        await _stop.CancelAsync();
        if (_generator is not null)
        {
            await _generator;
        }

        using var deadline = new CancellationTokenSource(timeout);
        await Task.WhenAll(_streams.Select(s => s.CompleteAsync(deadline.Token)));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var stream in _streams)
        {
            stream.Dispose();
        }

        _stop.Dispose();
    }

    private async Task GenerateAsync(Stopwatch clock, CancellationToken cancellationToken)
    {
        var next = 0;
        var owed = 0.0;
        var last = clock.Elapsed.TotalSeconds;
        var batches = _streams.Select(_ => new Outgoing()).ToArray();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var seconds = clock.Elapsed.TotalSeconds;
                owed += (seconds - last) * Rate;
                last = seconds;
                var due = (long)owed;
                owed -= due;
                var now = _time.GetUtcNow();
                for (var i = 0; i < due; i++)
                {
                    var vehicle = next;
                    next = (next + 1) % _motion.Count;
                    var fix = _motion.Next(vehicle, now, seconds);
                    var batch = batches[vehicle % batches.Length];
                    batch.Request.Positions.Add(fix.Fix);
                    if (fix.Opening)
                    {
                        _book.ExpectOpening(fix.Fix.Plate, fix.FixMs);
                    }

                    if (fix.Speeding)
                    {
                        batch.Speeding.Add((fix.Fix.Plate, fix.FixMs));
                    }

                    if (batch.Request.Positions.Count >= _batchSize)
                    {
                        await _streams[vehicle % batches.Length].EnqueueAsync(batch, cancellationToken);
                        batches[vehicle % batches.Length] = new Outgoing();
                    }
                }

                for (var s = 0; s < batches.Length; s++)
                {
                    if (batches[s].Request.Positions.Count > 0)
                    {
                        await _streams[s].EnqueueAsync(batches[s], cancellationToken);
                        batches[s] = new Outgoing();
                    }
                }

                await Task.Delay(Tick, _time, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
        catch (ChannelClosedException)
        {
            // a lane failed (Failure says why)
        }
    }

    private void OnAck(ReportPositionsResponse ack)
    {
        Interlocked.Add(ref _accepted, ack.Accepted);
        foreach (var r in ack.Rejected)
        {
            _rejected.AddOrUpdate(r.Code, 1, (_, n) => n + 1);
            if (_rejectionSamples.Count < 5)
            {
                _rejectionSamples.Enqueue($"{r.Code}: {r.Reason}");
            }
        }
    }

    private sealed class Outgoing
    {
        public ReportPositionsRequest Request { get; } = new();

        public List<(string Plate, long FixMs)> Speeding { get; } = [];
    }

    /// <summary>One long-lived ReportPositions call on its own HTTP/2 connection.</summary>
    private sealed class Lane(PositionSender owner, Uri address, Metadata headers) : IDisposable
    {
        private readonly GrpcChannel _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler() });
        private readonly Channel<Outgoing> _queue = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(MaxInFlight) { SingleReader = true, SingleWriter = true });
        private readonly SemaphoreSlim _inFlight = new(MaxInFlight, MaxInFlight);
        private Task _pump = Task.CompletedTask;
        private long _batchId;

        public void Start() => _pump = Task.Run(PumpAsync, CancellationToken.None);

        public ValueTask EnqueueAsync(Outgoing batch, CancellationToken cancellationToken) => _queue.Writer.WriteAsync(batch, cancellationToken);

        public async Task CompleteAsync(CancellationToken cancellationToken)
        {
            _queue.Writer.TryComplete();
            try
            {
                await _pump.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                owner._failure ??= "some batches were not acknowledged in time after the load stopped";
            }
        }

        public void Dispose()
        {
            _channel.Dispose();
            _inFlight.Dispose();
        }

        private async Task PumpAsync()
        {
            var client = new TelemetryService.TelemetryServiceClient(_channel);
            try
            {
                // The call outlives the generator's stop: it ends once every queued batch is written and acknowledged.
                using var call = client.ReportPositions(headers, cancellationToken: CancellationToken.None);
                var acks = Task.Run(async () =>
                {
                    await foreach (var ack in call.ResponseStream.ReadAllAsync(CancellationToken.None))
                    {
                        owner.OnAck(ack);
                        _inFlight.Release();
                    }
                });
                await foreach (var batch in _queue.Reader.ReadAllAsync(CancellationToken.None))
                {
                    await _inFlight.WaitAsync(CancellationToken.None);
                    batch.Request.BatchId = Interlocked.Increment(ref _batchId).ToString(CultureInfo.InvariantCulture);
                    var sentAt = Stopwatch.GetTimestamp();
                    foreach (var (plate, fixMs) in batch.Speeding)
                    {
                        owner._book.RecordSent(plate, fixMs, sentAt);
                    }

                    await call.RequestStream.WriteAsync(batch.Request, CancellationToken.None);
                    Interlocked.Add(ref owner._sent, batch.Request.Positions.Count);
                }

                await call.RequestStream.CompleteAsync();
                await acks;
            }
            catch (Exception ex) when (ex is RpcException or IOException or InvalidOperationException)
            {
                // The generator's next write to this lane fails and stops it.
                owner._failure ??= "gRPC ReportPositions: " + ex.Message;
                _queue.Writer.TryComplete();
            }
        }
    }
}
