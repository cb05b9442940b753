using System.Diagnostics;
using System.Globalization;
using System.Text;
using Google.Rpc;
using Grpc.Core;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.ServiceDefaults.Errors;
using HazChem.Transport.Waybill.Domain;
using HazChem.Transport.Waybill.Messaging;
using HazChem.Transport.Waybill.Options;
using HazChem.Transport.Waybill.Registry;
using HazChem.Transport.Waybill.Storage;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.Waybill.Operations;

/// <summary>
/// What the Waybill API does, in the order that matters: who may (a carrier only its own waybills) → is the
/// input well-formed (W-REQUIRED, W-UN-KNOWN) → does the lifecycle allow it (W-STATE) → the registry's facts →
/// the business rules, all findings at once → one transaction with the version, the active-vehicle rows and the
/// outbox event. The gRPC class maps; the rules are pure; this class holds the order and the I/O.
/// </summary>
internal sealed partial class WaybillOperations(
    WaybillStore store,
    IQualificationRegistry registry,
    DangerousGoodsList goodsList,
    IOptions<WaybillOptions> options,
    OutboxSignal outboxSignal,
    TimeProvider time,
    ILogger<WaybillOperations> logger)
{
    private const int MaxAttempts = 3;

    /// <summary>Issues a waybill (ISSUED, version 1) after every W- rule passes.</summary>
    public async Task<WaybillView> IssueAsync(Actor caller, string? carrierId, WaybillInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var carrier = carrierId?.Trim() ?? "";
        if (carrier.Length > 0)
        {
            EnsureMayAccess(caller, carrier, "issue waybills for");
        }

        var violations = new List<FieldViolation>();
        if (carrier.Length == 0)
        {
            violations.Add(new FieldViolation("carrierId", $"{RuleCodes.Required}: the carrier id is required"));
        }
        else if (carrier.Length > 64)
        {
            violations.Add(new FieldViolation("carrierId", $"{RuleCodes.Required}: the carrier id must be at most 64 characters"));
        }

        var now = time.GetUtcNow();
        var content = WaybillValidator.Validate(input, goodsList, Limits, now, violations);
        var facts = await CheckAsync(carrier, content, exceptWaybillId: null, cancellationToken);

        var id = Guid.CreateVersion7(now).ToString("N");
        var snapshot = new WaybillSnapshot(
            id, 1, LifecycleStatus.Issued, carrier, facts.Carrier!.PermitNumber, content,
            facts.Driver!.CertificateNumber, facts.Escort!.CertificateNumber, [], "", "", now, now);
        var entry = new HistoryEntry(ChangeKind.Issued, 1, LifecycleStatus.Issued, now, caller.Subject, caller.Role, "");
        await AppendAsync(snapshot, entry, cancellationToken);
        LogChanged(logger, id, 1, ChangeKind.Issued, caller.Subject);
        return new WaybillView(snapshot, [entry]);
    }

    /// <summary>Amends an ISSUED waybill: the new content is checked like an issue and stored as the next version.</summary>
    public Task<WaybillView> AmendAsync(Actor caller, string? id, int expectedVersion, string? reason, WaybillInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return RetryOnConflictAsync(id, async waybillId =>
        {
            var current = await LoadForChangeAsync(caller, waybillId, cancellationToken);
            var violations = new List<FieldViolation>();
            var why = WaybillValidator.RequiredText(reason, "reason", "the amendment reason", violations);
            if (expectedVersion < 0)
            {
                violations.Add(new FieldViolation("expectedVersion", $"{RuleCodes.Required}: must be 0 (do not check) or a version number"));
            }

            var now = time.GetUtcNow();
            var content = WaybillValidator.Validate(input, goodsList, Limits, now, violations);
            if (expectedVersion > 0 && expectedVersion != current.Version)
            {
                throw Aborted($"waybill {waybillId} is at version {current.Version}, not {expectedVersion}; read it again and amend that version");
            }

            WaybillLifecycle.Next(current, ChangeKind.Amended);
            var facts = await CheckAsync(current.CarrierId, content, waybillId, cancellationToken);
            var next = current with
            {
                Version = current.Version + 1,
                Content = content,
                CarrierPermitNumber = facts.Carrier!.PermitNumber,
                DriverCertNumber = facts.Driver!.CertificateNumber,
                EscortCertNumber = facts.Escort!.CertificateNumber,
                UpdatedAt = now,
            };
            return await CommitAsync(next, ChangeKind.Amended, caller, why, cancellationToken);
        });
    }

    /// <summary>Cancels an ISSUED or LOADED waybill with a reason; the vehicle is free again.</summary>
    public Task<WaybillView> CancelAsync(Actor caller, string? id, string? reason, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var why = WaybillValidator.RequiredText(reason, "reason", "the cancellation reason", violations);
        ThrowIfAny(violations);
        return TransitionAsync(caller, id, ChangeKind.Cancelled, why, s => s with { CancelReason = why }, cancellationToken);
    }

    /// <summary>LOADED → IN_TRANSIT.</summary>
    public Task<WaybillView> DepartAsync(Actor caller, string? id, string? note, CancellationToken cancellationToken) =>
        TransitionAsync(caller, id, ChangeKind.Departed, Note(note), s => s, cancellationToken);

    /// <summary>IN_TRANSIT (or LOADED) → DELIVERED; the vehicle is free again.</summary>
    public Task<WaybillView> DeliverAsync(Actor caller, string? id, string? note, CancellationToken cancellationToken) =>
        TransitionAsync(caller, id, ChangeKind.Delivered, Note(note), s => s, cancellationToken);

    /// <summary>
    /// ISSUED → LOADED with the confirmed quantities (the loading-check service, after a confirmed PASS check).
    /// Repeating the call for the same check answers the LOADED waybill again, so a retry after a lost reply is safe.
    /// </summary>
    public Task<WaybillView> MarkLoadedAsync(
        Actor caller, string? id, string? loadingCheckId, string? terminalId, IReadOnlyList<(string? UnNumber, double QuantityKg)> loaded, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var checkId = WaybillValidator.RequiredText(loadingCheckId, "loadingCheckId", "the loading check id", violations, 64);
        var terminal = WaybillValidator.RequiredText(terminalId, "terminalId", "the terminal id", violations, 64);
        var quantities = WaybillValidator.ValidateLoaded(loaded, violations);
        ThrowIfAny(violations);
        return RetryOnConflictAsync(id, async waybillId =>
        {
            var current = await LoadForChangeAsync(caller, waybillId, cancellationToken);
            if (current.Status == LifecycleStatus.Loaded && current.LoadingCheckId == checkId)
            {
                return (await store.GetAsync(waybillId, 0, cancellationToken))!;
            }

            WaybillLifecycle.Next(current, ChangeKind.Loaded);
            var findings = WaybillLifecycle.CheckLoaded(current, quantities);
            if (findings.Count > 0)
            {
                throw new RuleRefusalException(findings);
            }

            var next = WaybillLifecycle.Advance(current, ChangeKind.Loaded, time.GetUtcNow()) with { Loaded = quantities, LoadingCheckId = checkId };
            return await CommitAsync(next, ChangeKind.Loaded, caller, $"loading check {checkId} at terminal {terminal}", cancellationToken);
        });
    }

    /// <summary>
    /// ISSUED → EXPIRED when <see cref="WaybillExpiry.IsDue"/> at <paramref name="now"/> (the expiry sweeper, actor
    /// <c>system:expiry</c>): a new version and one EXPIRED event, committed only if the waybill is still at the version
    /// read. A concurrent change (a cancel, a loading, another replica's expiry) wins the race; then the waybill is read
    /// again and is usually no longer due. Null when nothing was expired (absent, not due, or still contended).
    /// </summary>
    public async Task<WaybillView?> ExpireIfDueAsync(string waybillId, DateTimeOffset now, TimeSpan grace, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(waybillId);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var current = (await store.GetAsync(waybillId, 0, cancellationToken))?.Snapshot;
            if (current is null || !WaybillExpiry.IsDue(current, now, grace))
            {
                return null;
            }

            try
            {
                return await CommitAsync(WaybillExpiry.Expire(current, now), ChangeKind.Expired, WaybillExpiry.Actor, WaybillExpiry.Reason(current), cancellationToken);
            }
            catch (ConcurrentChangeException)
            {
                LogRetry(logger, waybillId, attempt);
            }
        }

        // Still contended: the next sweep looks again.
        return null;
    }

    /// <summary>A waybill (latest or a given version) with its history; a carrier sees only its own.</summary>
    public async Task<WaybillView> GetAsync(Actor caller, string? id, int version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var violations = new List<FieldViolation>();
        var waybillId = WaybillValidator.RequiredText(id, "id", "the waybill id", violations, 64);
        if (version < 0)
        {
            violations.Add(new FieldViolation("version", $"{RuleCodes.Required}: must be 0 (latest) or a version number"));
        }

        ThrowIfAny(violations);
        var view = await store.GetAsync(waybillId, version, cancellationToken)
            ?? throw new NotFoundException(version > 0 ? "waybill version" : "waybill", version > 0 ? $"{waybillId}@{version}" : waybillId);
        EnsureMayAccess(caller, view.Snapshot.CarrierId, "read waybills of");
        return view;
    }

    /// <summary>The active waybill (ISSUED, LOADED or IN_TRANSIT) of a vehicle or trailer.</summary>
    public async Task<WaybillView> GetActiveForVehicleAsync(Actor caller, string? plate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var violations = new List<FieldViolation>();
        var wanted = WaybillValidator.RequiredText(plate, "plate", "the plate", violations, 16);
        ThrowIfAny(violations);
        var id = await store.FindActiveWaybillIdAsync(wanted, cancellationToken) ?? throw new NotFoundException("active waybill for vehicle", wanted);
        var view = await store.GetAsync(id, 0, cancellationToken) ?? throw new NotFoundException("active waybill for vehicle", wanted);
        EnsureMayAccess(caller, view.Snapshot.CarrierId, "read waybills of");
        return view;
    }

    /// <summary>Latest versions by plate, status and carrier, newest first; a carrier lists only its own.</summary>
    public async Task<(WaybillPage Page, string NextPageToken)> ListAsync(
        Actor caller, string? plate, LifecycleStatus? status, string? carrierId, int pageSize, string? pageToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var carrier = carrierId?.Trim() ?? "";
        if (caller.Role == Roles.Carrier)
        {
            if (carrier.Length > 0)
            {
                EnsureMayAccess(caller, carrier, "list waybills of");
            }

            carrier = caller.Subject;
        }

        var violations = new List<FieldViolation>();
        if (pageSize < 0)
        {
            violations.Add(new FieldViolation("pageSize", "must be 0 (default) or positive"));
        }

        var after = string.IsNullOrEmpty(pageToken) ? null : DecodePageToken(pageToken);
        if (!string.IsNullOrEmpty(pageToken) && after is null)
        {
            violations.Add(new FieldViolation("pageToken", "is not a page token this service issued; use nextPageToken of the previous page"));
        }

        ThrowIfAny(violations);
        var size = pageSize == 0 ? options.Value.DefaultPageSize : Math.Min(pageSize, options.Value.MaxPageSize);
        var page = await store.ListAsync(new WaybillQuery(plate?.Trim(), status, carrier, size, after), cancellationToken);
        return (page, page.Next is { } next ? EncodePageToken(next) : "");
    }

    private ValidationLimits Limits => new(options.Value.DefaultCorridorMeters, options.Value.MaxCorridorMeters);

    private RuleSettings Rules => new(options.Value.RoadPassRequired, options.Value.HighlyToxic());

    private static string Note(string? note) => note?.Trim() ?? "";

    /// <summary>A carrier may act only on its own carrier's waybills; other roles are limited by the RPC's policy alone.</summary>
    private static void EnsureMayAccess(Actor caller, string carrierId, string action)
    {
        if (caller.Role == Roles.Carrier && !string.Equals(caller.Subject, carrierId, StringComparison.Ordinal))
        {
            throw new AccessDeniedException($"A carrier token may only {action} its own carrier; this one is for carrier '{caller.Subject}'.");
        }
    }

    private static void ThrowIfAny(List<FieldViolation> violations)
    {
        if (violations.Count > 0)
        {
            throw new InvalidInputException(violations);
        }
    }

    private static RpcException Aborted(string message) =>
        new Google.Rpc.Status { Code = (int)Code.Aborted, Message = message }.ToRpcException();

    /// <summary>Registry facts, then every business rule; refuses with all findings at once.</summary>
    private async Task<RegistryFacts> CheckAsync(string carrierId, WaybillContent content, string? exceptWaybillId, CancellationToken cancellationToken)
    {
        var conflicts = store.FindActiveConflictsAsync(content.Plates, exceptWaybillId, cancellationToken);
        var facts = await registry.LookUpAsync(carrierId, content, cancellationToken);
        var required = WaybillRules.RequiredByRegistry(content, facts);
        if (required.Count > 0)
        {
            throw new InvalidInputException(required);
        }

        var findings = WaybillRules.Evaluate(content, facts, goodsList, await conflicts, Rules);
        if (findings.Any(f => f.Blocking))
        {
            throw new RuleRefusalException(findings);
        }

        return facts;
    }

    private async Task<WaybillSnapshot> LoadForChangeAsync(Actor caller, string waybillId, CancellationToken cancellationToken)
    {
        var view = await store.GetAsync(waybillId, 0, cancellationToken) ?? throw new NotFoundException("waybill", waybillId);
        EnsureMayAccess(caller, view.Snapshot.CarrierId, "change waybills of");
        return view.Snapshot;
    }

    private Task<WaybillView> TransitionAsync(
        Actor caller, string? id, ChangeKind change, string reason, Func<WaybillSnapshot, WaybillSnapshot> amend, CancellationToken cancellationToken) =>
        RetryOnConflictAsync(id, async waybillId =>
        {
            var current = await LoadForChangeAsync(caller, waybillId, cancellationToken);
            var next = amend(WaybillLifecycle.Advance(current, change, time.GetUtcNow()));
            return await CommitAsync(next, change, caller, reason, cancellationToken);
        });

    private async Task<WaybillView> CommitAsync(WaybillSnapshot next, ChangeKind change, Actor caller, string reason, CancellationToken cancellationToken)
    {
        var entry = new HistoryEntry(change, next.Version, next.Status, next.UpdatedAt, caller.Subject, caller.Role, reason);
        await AppendAsync(next, entry, cancellationToken);
        LogChanged(logger, next.Id, next.Version, change, caller.Subject);
        return (await store.GetAsync(next.Id, next.Version, cancellationToken))!;
    }

    private async Task AppendAsync(WaybillSnapshot snapshot, HistoryEntry entry, CancellationToken cancellationToken)
    {
        var e = WaybillEvents.Create(snapshot, entry, options.Value.HighHazard());
        // Once the transaction may have committed, finishing it matters more than the caller's patience.
        await store.AppendAsync(snapshot, entry, WaybillEvents.ToOutbox(e, entry.At, Activity.Current?.Id), CancellationToken.None);
        outboxSignal.Notify();
    }

    private async Task<WaybillView> RetryOnConflictAsync(string? id, Func<string, Task<WaybillView>> change)
    {
        var violations = new List<FieldViolation>();
        var waybillId = WaybillValidator.RequiredText(id, "id", "the waybill id", violations, 64);
        ThrowIfAny(violations);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await change(waybillId);
            }
            catch (ConcurrentChangeException) when (attempt < MaxAttempts)
            {
                LogRetry(logger, waybillId, attempt);
            }
            catch (ConcurrentChangeException)
            {
                throw Aborted($"waybill {waybillId} is being changed concurrently; read it again and retry");
            }
        }
    }

    private static string EncodePageToken(PageCursor cursor) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"1|{cursor.Sequence}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static PageCursor? DecodePageToken(string token)
    {
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(base64)).Split('|');
            return parts is ["1", var position] && long.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
                ? new PageCursor(sequence)
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Waybill {WaybillId} version {Version}: {Change} by {Actor}")]
    private static partial void LogChanged(ILogger logger, string waybillId, int version, ChangeKind change, string actor);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Waybill {WaybillId} changed concurrently (attempt {Attempt}); retrying")]
    private static partial void LogRetry(ILogger logger, string waybillId, int attempt);
}
