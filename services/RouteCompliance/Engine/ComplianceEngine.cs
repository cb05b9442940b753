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
    public Task<IReadOnlyList<EpisodeChange>> ProcessAsync(Fix fix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fix);
        return ProcessBatchAsync([fix], cancellationToken);
    }

    /// <summary>
    /// Applies fixes in their order (each vehicle's fixes in the order given); returns the changes they caused.
    /// Every vehicle's state is read once, the changes of all vehicles are made durable together, then each changed
    /// state is saved once. A failure leaves the stored states as they were before the batch, so a retry (or the
    /// redelivery after a crash) starts from them again and repeats the same changes with the same ids and revisions.
    /// </summary>
    public async Task<IReadOnlyList<EpisodeChange>> ProcessBatchAsync(IReadOnlyList<Fix> fixes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fixes);
        var byPlate = fixes.GroupBy(f => f.Plate, StringComparer.Ordinal).ToList();
        // Gates in ascending order, each once: the sweep holds one gate at a time, so no wait can go round in a circle.
        var gates = byPlate.Select(g => GateIndex(g.Key)).Distinct().Order().ToList();
        var held = 0;
        try
        {
            foreach (var gate in gates)
            {
                await _locks[gate].WaitAsync(cancellationToken);
                held++;
            }

            var (states, rebuilt) = await _states.LoadManyAsync([.. byPlate.Select(g => g.Key)], cancellationToken);
            // A rebuilt state is stored before the batch's effects: the database already holding them, a batch replayed
            // after a crash must start from this same state, not from one rebuilt out of its own effects.
            await Task.WhenAll(rebuilt.Select(state => _states.SaveAsync(state, cancellationToken)));
            var changes = new List<EpisodeChange>();
            var changed = new List<VehicleState>(byPlate.Count);
            foreach (var vehicle in byPlate)
            {
                var state = states[vehicle.Key];
                state.Plate = vehicle.Key;
                if (Apply(vehicle, state, changes))
                {
                    changed.Add(state);
                }
            }

            await ApplyAsync(changes, cancellationToken);
            await Task.WhenAll(changed.Select(state => _states.SaveAsync(state, cancellationToken)));
            return changes;
        }
        finally
        {
            for (var i = 0; i < held; i++)
            {
                _locks[gates[i]].Release();
            }
        }
    }

    /// <summary>Runs one vehicle's fixes through the pipeline; true when its state must be saved.</summary>
    private bool Apply(IEnumerable<Fix> fixes, VehicleState state, List<EpisodeChange> changes)
    {
        var save = false;
        foreach (var fix in fixes)
        {
            var context = _pipeline.Process(fix, state, (handler, ex) => LogHandlerFailed(_logger, handler.GetType().Name, fix.Plate, ex));
            if (context.Stopped)
            {
                LogIgnored(_logger, fix.Plate, fix.Time, context.StopReason ?? "");
                save |= context.StopReason == FixFilter.LateReason;
                continue;
            }

            changes.AddRange(context.Changes);
            save = true;
        }

        return save;
    }

    /// <summary>The offline sweep over every vehicle whose waybill is LOADED or IN_TRANSIT.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var opened = 0;
        var now = _time.GetUtcNow();
        foreach (var trip in _trips.All.Where(t => t.MustReport))
        {
            var gate = _locks[GateIndex(trip.Plate)];
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

    private int GateIndex(string plate) => (int)((uint)StringComparer.Ordinal.GetHashCode(plate) % (uint)_locks.Length);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handler {Handler} failed on a fix of {Plate}; the other handlers still ran")]
    private static partial void LogHandlerFailed(ILogger logger, string handler, string plate, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Fix of {Plate} at {FixTime} drives no transition: {Reason}")]
    private static partial void LogIgnored(ILogger logger, string plate, DateTimeOffset fixTime, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Violation {Type} {Kind} {Plate} {Id}")]
    private static partial void LogChange(ILogger logger, ChangeType type, ViolationKind kind, string plate, string id);
}
