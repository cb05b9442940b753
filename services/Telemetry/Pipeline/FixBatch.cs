using HazChem.Transport.Telemetry.Domain;

namespace HazChem.Transport.Telemetry.Pipeline;

/// <summary>
/// One batch on its way through the filters: the fixes, the rejection of each (null = still accepted) and the
/// fix ids of those that reached the history filter.
/// </summary>
internal sealed class FixBatch
{
    private readonly Rejection?[] _rejections;
    private readonly string?[] _fixIds;

    public FixBatch(IReadOnlyList<Fix> fixes, string? reporter = null)
    {
        ArgumentNullException.ThrowIfNull(fixes);
        Fixes = fixes;
        Reporter = reporter ?? "";
        _rejections = new Rejection?[fixes.Count];
        _fixIds = new string?[fixes.Count];
    }

    public IReadOnlyList<Fix> Fixes { get; }

    /// <summary>Who reported a gateway batch (the gps token's subject); empty for JT/T 808, whose connection binds its fixes.</summary>
    public string Reporter { get; }

    public int Count => Fixes.Count;

    public bool IsRejected(int index) => _rejections[index] is not null;

    public Rejection? RejectionAt(int index) => _rejections[index];

    public void Reject(int index, Rejection rejection) => _rejections[index] ??= rejection;

    /// <summary>The deterministic id (computed once).</summary>
    public string FixIdAt(int index)
    {
        var fix = Fixes[index];
        return _fixIds[index] ??= FixId.Compute(fix.Plate, fix.FixTime, fix.Lat, fix.Lon);
    }
}

/// <summary>A step that may reject fixes of a batch. Throwing fails the whole batch (nothing is acknowledged).</summary>
internal interface IFixFilter
{
    ValueTask FilterAsync(FixBatch batch, CancellationToken cancellationToken);

    /// <summary>Undoes what the filter remembered of the accepted fixes when the batch could not be delivered.</summary>
    void Forget(FixBatch batch)
    {
    }
}

/// <summary>A step after Kafka confirmed the accepted fixes. Throwing is logged; the other handlers still run.</summary>
internal interface IAcceptedFixHandler
{
    Task HandleAsync(IReadOnlyList<Contracts.Telemetry.V1.PositionReported> accepted, CancellationToken cancellationToken);
}
