using Confluent.Kafka;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using HazChem.Transport.Contracts.Telemetry.V1;
using HazChem.Transport.Telemetry.Domain;
using HazChem.Transport.Telemetry.Mapping;
using HazChem.Transport.Telemetry.Messaging;
using HazChem.Transport.Telemetry.Registry;
using HazChem.Transport.Telemetry.Storage;

namespace HazChem.Transport.Telemetry.Pipeline;

/// <summary>What happened to a batch: the accepted count and each rejected index with its T- code and reason.</summary>
internal sealed record IngestResult(int Accepted, IReadOnlyList<(int Index, Rejection Rejection)> Rejected);

/// <summary>
/// The ingest path shared by JT/T 808 TCP, the ReportPositions stream and the HTTP batch: filters → quarantine the
/// rejected and send the accepted to Kafka (in parallel) → accepted-fix handlers. It returns only after Kafka has
/// confirmed every accepted fix and the quarantine is stored, so an acknowledgement never covers a lost fix. When
/// that is impossible (registry, broker or database unavailable) it throws UNAVAILABLE and the caller retries.
/// </summary>
internal sealed partial class IngestPipeline(
    IEnumerable<IFixFilter> filters,
    IEnumerable<IAcceptedFixHandler> handlers,
    PositionPublisher publisher,
    QuarantineStore quarantine,
    ILogger<IngestPipeline> logger)
{
    private readonly IFixFilter[] _filters = [.. filters];
    private readonly IAcceptedFixHandler[] _handlers = [.. handlers];

    /// <summary>Fixes of JT/T 808 connections (each fix carries the plate its authenticated connection is bound to).</summary>
    public Task<IngestResult> IngestAsync(IReadOnlyList<Fix> fixes, CancellationToken cancellationToken) =>
        IngestAsync(fixes, reporter: null, cancellationToken);

    /// <summary>Fixes of a gateway batch; <paramref name="reporter"/> is the gps token's subject the plates must be bound to.</summary>
    public async Task<IngestResult> IngestAsync(IReadOnlyList<Fix> fixes, string? reporter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fixes);
        var batch = new FixBatch(fixes, reporter);
        try
        {
            foreach (var filter in _filters)
            {
                await filter.FilterAsync(batch, cancellationToken);
            }
        }
        catch (RegistryUnavailableException ex)
        {
            throw Unavailable("Qualification", "T-UNBOUND needs the vehicle registry", ex.Message);
        }

        var accepted = new List<PositionReported>(batch.Count);
        var rejected = new List<(int Index, Rejection Rejection)>();
        var quarantined = new List<(Fix Fix, Rejection Rejection)>();
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch.RejectionAt(i) is { } rejection)
            {
                rejected.Add((i, rejection));
                quarantined.Add((batch.Fixes[i], rejection));
                LogQuarantined(logger, batch.Fixes[i].Plate, batch.Fixes[i].TerminalPhone, rejection.Code, rejection.Reason);
            }
            else
            {
                accepted.Add(PositionMapping.ToReported(batch.Fixes[i], batch.FixIdAt(i)));
            }
        }

        var publish = publisher.PublishAsync(accepted, cancellationToken);
        var store = quarantine.AddAsync(quarantined, cancellationToken);
        try
        {
            await Task.WhenAll(publish, store);
        }
        catch (Exception ex)
        {
            // Not acknowledged, so the sender will send these fixes again: they must not be taken for duplicates then.
            foreach (var filter in _filters)
            {
                filter.Forget(batch);
            }

            if (ex is not (KafkaException or Microsoft.EntityFrameworkCore.DbUpdateException or System.Data.Common.DbException or InvalidOperationException))
            {
                throw;
            }

            LogNotStored(logger, batch.Count, ex);
            throw publish.IsFaulted
                ? Unavailable("Kafka", "accepted fixes are acknowledged only once the broker confirmed them", ex.Message)
                : Unavailable("Database", "quarantined fixes are acknowledged only once stored", ex.Message);
        }

        foreach (var handler in _handlers)
        {
            try
            {
                await handler.HandleAsync(accepted, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogHandlerFailed(logger, handler.GetType().Name, ex);
            }
        }

        return new IngestResult(accepted.Count, rejected);
    }

    private static RpcException Unavailable(string resource, string why, string detail)
    {
        var status = new Google.Rpc.Status
        {
            Code = (int)Code.Unavailable,
            Message = $"{resource} is unavailable ({detail}); nothing of this batch was acknowledged. Send it again.",
        };
        status.Details.Add(Any.Pack(new ResourceInfo { ResourceType = "service", ResourceName = resource, Description = why }));
        return status.ToRpcException();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Quarantined a fix of {Plate} (terminal {TerminalPhone}): {Code} {Reason}")]
    private static partial void LogQuarantined(ILogger logger, string plate, string terminalPhone, string code, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} fixes could not be stored; it was not acknowledged")]
    private static partial void LogNotStored(ILogger logger, int count, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Position handler {Handler} failed; the pipeline goes on")]
    private static partial void LogHandlerFailed(ILogger logger, string handler, Exception exception);
}
