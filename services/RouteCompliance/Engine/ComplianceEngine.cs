using HazChem.Transport.Contracts.Compliance.V1;
using HazChem.Transport.RouteCompliance.Domain;
using HazChem.Transport.RouteCompliance.Mapping;
using HazChem.Transport.RouteCompliance.Messaging;
using HazChem.Transport.RouteCompliance.Options;
using HazChem.Transport.RouteCompliance.Storage;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.RouteCompliance.Engine;

/// <summary>
/// Runs the pure <see cref="FixPipeline"/> for one vehicle at a time and makes its effects durable in this order:
/// violations in the database → events acknowledged by Kafka → the vehicle's hot state → (the caller) the consumer
/// offset. A crash anywhere repeats the fix against the old state and so repeats the same changes with the same ids
/// and revisions: the database write is a no-op, the events repeat with the same event ids, nothing is lost.
/// </summary>
internal sealed partial class ComplianceEngine
{
    private readonly SemaphoreSlim[] _locks = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];
    private readonly FixPipeline _pipeline;
    private readonly VehicleStateStore _states;
    private readonly ViolationStore _violations;
    private readonly ViolationPublisher _publisher;
    private readonly TripDirectory _trips;
    private readonly TimeProvider _time;
    private readonly ILogger<ComplianceEngine> _logger;

    public ComplianceEngine(
        IOptions<ComplianceOptions> options,
        TripDirectory trips,
        ZoneCatalog zones,
        VehicleStateStore states,
        ViolationStore violations,
        ViolationPublisher publisher,
        TimeProvider time,
        ILogger<ComplianceEngine> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _pipeline = new FixPipeline(options.Value.ToRules(), trips.Get, () => zones.Index);
        _states = states;
        _violations = violations;
        _publisher = publisher;
        _trips = trips;
        _time = time;
        _logger = logger;
    }

    /// <summary>Applies one fix; returns the changes it caused.</summary>
    public async Task<IReadOnlyList<EpisodeChange>> ProcessAsync(Fix fix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fix);
        var gate = Gate(fix.Plate);
        await gate.WaitAsync(cancellationToken);
        try
        {
            var state = await _states.LoadAsync(fix.Plate, cancellationToken);
            state.Plate = fix.Plate;
            var context = _pipeline.Process(fix, state, (handler, ex) => LogHandlerFailed(_logger, handler.GetType().Name, fix.Plate, ex));
            if (context.Stopped)
            {
                LogIgnored(_logger, fix.Plate, fix.Time, context.StopReason ?? "");
                if (context.StopReason == FixFilter.LateReason)
                {
                    await _states.SaveAsync(state, cancellationToken);
                }

                return [];
            }

            await ApplyAsync(context.Changes, cancellationToken);
            await _states.SaveAsync(state, cancellationToken);
            return context.Changes;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The offline sweep over every vehicle whose waybill is LOADED or IN_TRANSIT.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var opened = 0;
        var now = _time.GetUtcNow();
        foreach (var trip in _trips.All.Where(t => t.MustReport))
        {
            var gate = Gate(trip.Plate);
            await gate.WaitAsync(cancellationToken);
            try
            {
                var state = await _states.LoadAsync(trip.Plate, cancellationToken);
                state.Plate = trip.Plate;
                var changes = _pipeline.Sweep(trip.Plate, state, _trips.Get(trip.Plate), now);
                if (changes.Count == 0)
                {
                    if (state.Last is null)
                    {
                        // A vehicle that never reported: keep the moment its state began, so silence counts from there.
                        await _states.SaveAsync(state, cancellationToken);
                    }

                    continue;
                }

                await ApplyAsync(changes, cancellationToken);
                await _states.SaveAsync(state, cancellationToken);
                opened += changes.Count;
            }
            finally
            {
                gate.Release();
            }
        }

        return opened;
    }

    private async Task ApplyAsync(List<EpisodeChange> changes, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var rows = await _violations.ApplyAsync(changes, now, cancellationToken);
        var events = changes.Select((c, i) => ComplianceMapping.ToEvent(c.EventId, ComplianceMapping.ToProto(c.Type), now, rows[i])).ToList();
        await _publisher.PublishAsync(events, cancellationToken);
        foreach (var change in changes)
        {
            LogChange(_logger, change.Type, change.Violation.Kind, change.Violation.Plate, change.Violation.Id);
        }
    }

    private SemaphoreSlim Gate(string plate) => _locks[(int)((uint)StringComparer.Ordinal.GetHashCode(plate) % (uint)_locks.Length)];

    [LoggerMessage(Level = LogLevel.Error, Message = "Handler {Handler} failed on a fix of {Plate}; the other handlers still ran")]
    private static partial void LogHandlerFailed(ILogger logger, string handler, string plate, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Fix of {Plate} at {FixTime} drives no transition: {Reason}")]
    private static partial void LogIgnored(ILogger logger, string plate, DateTimeOffset fixTime, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Violation {Type} {Kind} {Plate} {Id}")]
    private static partial void LogChange(ILogger logger, ChangeType type, ViolationKind kind, string plate, string id);
}
