namespace HazChem.Transport.LoadingCheck.Storage;

/// <summary>
/// One stored check (L-RECORD): the columns lists filter and sort on, and the whole record as JSON. Inserted once,
/// never updated or deleted.
/// </summary>
internal sealed class LoadingCheckRow
{
    /// <summary>Insertion order: the list order (newest first) and its keyset page position, numeric on every provider.</summary>
    public long Sequence { get; set; }

    public string Id { get; set; } = "";

    public string TerminalId { get; set; } = "";

    public string WaybillId { get; set; } = "";

    /// <summary>The waybill's carrier (empty when no waybill was found): carrier-scoped reads filter on it.</summary>
    public string CarrierId { get; set; } = "";

    public string Plate { get; set; } = "";

    public DateTimeOffset CheckedAt { get; set; }

    public string Verdict { get; set; } = "";

    /// <summary>The <see cref="Domain.CheckRecord"/> (without confirmation) as JSON.</summary>
    public string Record { get; set; } = "";
}

/// <summary>
/// The confirmation of a PASS check, added once: the primary key on the check id is what makes a second, concurrent
/// confirmation lose, on PostgreSQL and SQLite alike.
/// </summary>
internal sealed class ConfirmationRow
{
    public string CheckId { get; set; } = "";

    public DateTimeOffset ConfirmedAt { get; set; }

    public string ConfirmedBy { get; set; } = "";

    /// <summary>The loaded lines as JSON.</summary>
    public string Loaded { get; set; } = "";
}
