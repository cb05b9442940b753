namespace HazChem.Transport.Waybill.Storage;

/// <summary>
/// The head of a waybill: its latest version and the columns lists filter and sort on. Updated on every change;
/// the record itself is the append-only <see cref="WaybillVersionRow"/> chain.
/// </summary>
internal sealed class WaybillRow
{
    /// <summary>Insertion order: the list order (newest first) and its keyset page position, numeric on every provider.</summary>
    public long Sequence { get; set; }

    public string Id { get; set; } = "";

    public string CarrierId { get; set; } = "";

    public string VehiclePlate { get; set; } = "";

    public string TrailerPlate { get; set; } = "";

    public string Status { get; set; } = "";

    /// <summary>The latest version; also the optimistic concurrency token, so two changes of one waybill never both win.</summary>
    public int Version { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One version of a waybill: the full content after a change, and who changed it, when and why. Never updated or deleted.</summary>
internal sealed class WaybillVersionRow
{
    public string WaybillId { get; set; } = "";

    public int Version { get; set; }

    public string Change { get; set; } = "";

    public string Status { get; set; } = "";

    public DateTimeOffset At { get; set; }

    public string Actor { get; set; } = "";

    public string ActorRole { get; set; } = "";

    public string Reason { get; set; } = "";

    /// <summary>The <see cref="Domain.WaybillSnapshot"/> as JSON.</summary>
    public string Snapshot { get; set; } = "";
}

/// <summary>
/// "This plate is on an active waybill": one row per vehicle and trailer plate of each ISSUED, LOADED or IN_TRANSIT
/// waybill. The primary key on the plate is what enforces W-ONE-ACTIVE under concurrency, on PostgreSQL and SQLite
/// alike; the row goes when the waybill is delivered, cancelled or expired.
/// </summary>
internal sealed class ActiveVehicleRow
{
    public string Plate { get; set; } = "";

    public string WaybillId { get; set; } = "";
}

/// <summary>
/// A waybill event waiting to be (or already) published: written in the same transaction as the change it
/// describes (transactional outbox). The payload is final, so a re-send after a crash is byte-identical.
/// </summary>
internal sealed class OutboxRow
{
    /// <summary>Insertion order; the publisher sends in this order, which keeps each waybill's events in version order.</summary>
    public long Sequence { get; set; }

    /// <summary>Deterministic: <c>waybillId:version</c>.</summary>
    public string EventId { get; set; } = "";

    /// <summary>The Kafka key: the waybill id.</summary>
    public string Key { get; set; } = "";

    public byte[] Payload { get; set; } = [];

    /// <summary>W3C trace parent of the request that made the change, so consumers continue its trace.</summary>
    public string? TraceParent { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the broker acknowledged it; null while pending.</summary>
    public DateTimeOffset? SentAt { get; set; }
}

/// <summary>
/// Which process publishes the outbox: one at a time, so events of one waybill never leave two replicas in
/// interleaved order. Held for a lease time and renewed while publishing; a process that dies loses it when it expires.
/// </summary>
internal sealed class OutboxLeaseRow
{
    public string Name { get; set; } = "";

    public string Owner { get; set; } = "";

    /// <summary>Unix milliseconds after which another process may take the lease.</summary>
    public long ExpiresAtMs { get; set; }
}
