using System.Globalization;
using System.Text;
using HazChem.Transport.LoadingCheck.Dependencies;
using HazChem.Transport.LoadingCheck.Domain;
using HazChem.Transport.LoadingCheck.Options;
using HazChem.Transport.LoadingCheck.Storage;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.ServiceDefaults.Errors;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.LoadingCheck.Operations;

/// <summary>The caller as the token says: role and subject (a terminal's subject is its terminal id, a carrier's its carrier id).</summary>
internal sealed record Actor(string Subject, string Role);

/// <summary>
/// What the LoadingCheck API does, in the order that matters: is the input well-formed → may this caller (a terminal
/// only for itself, a carrier only its own checks) → the dependencies' answers → the L- rules → one insert. The
/// gRPC class maps; the rules are pure; this class holds the order and the I/O.
/// </summary>
internal sealed partial class LoadingCheckOperations(
    LoadingCheckStore store,
    CheckWriter writer,
    ICheckDependencies dependencies,
    IOptions<LoadingCheckOptions> options,
    TimeProvider time,
    ILogger<LoadingCheckOperations> logger)
{
    /// <summary>Runs and records a check. A refusal is a stored check with verdict REFUSE, not an error.</summary>
    public async Task<CheckRecord> CreateAsync(Actor caller, CheckInput raw, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(raw);
        var violations = new List<FieldViolation>();
        var input = new CheckInput(
            Required(raw.TerminalId, "terminalId", "the terminal id", 64, violations),
            Required(raw.WaybillId, "waybillId", "the waybill id", 64, violations),
            Required(raw.Plate, "plate", "the vehicle plate", 16, violations),
            Required(raw.DriverId, "driverId", "the id of the driver present", 64, violations),
            Required(raw.EscortId, "escortId", "the id of the escort present", 64, violations),
            Optional(raw.TankNumber, "tankNumber", 32, violations));
        ThrowIfAny(violations);
        if (!string.Equals(caller.Subject, input.TerminalId, StringComparison.Ordinal))
        {
            throw new AccessDeniedException($"A terminal token may only run checks for its own terminal; this one is for terminal '{caller.Subject}', not '{input.TerminalId}'.");
        }

        var evidence = await dependencies.GatherAsync(input, time.GetUtcNow(), cancellationToken);
        var now = Now();
        var outcome = LoadingCheckRules.Evaluate(input, evidence, now, options.Value.GpsMaxAge);
        var record = new CheckRecord(
            Guid.CreateVersion7(now).ToString("N"), input, outcome.WaybillVersion, outcome.CarrierId, now, caller.Subject, outcome.Items, outcome.Verdict, outcome.Basis);
        // Once the verdict is given it is recorded, whatever the caller's patience (L-RECORD); the answer waits for it.
        await writer.WriteAsync(record);
        LogChecked(logger, record.Id, input.WaybillId, input.Plate, input.TerminalId, record.Verdict);
        return record;
    }

    /// <summary>A stored check; a terminal reads only its own, a carrier only its own carrier's.</summary>
    public async Task<CheckRecord> GetAsync(Actor caller, string? id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var violations = new List<FieldViolation>();
        var checkId = Required(id, "id", "the check id", 64, violations);
        ThrowIfAny(violations);
        var record = await store.GetAsync(checkId, cancellationToken) ?? throw new NotFoundException("loading check", checkId);
        EnsureMayRead(caller, record);
        return record;
    }

    /// <summary>Checks per terminal and/or waybill, newest first; a terminal lists only its own, a carrier only its own carrier's.</summary>
    public async Task<(IReadOnlyList<CheckRecord> Items, string NextPageToken)> ListAsync(
        Actor caller, string? terminalId, string? waybillId, int pageSize, string? pageToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var terminal = terminalId?.Trim() ?? "";
        string? carrier = null;
        if (caller.Role == Roles.Terminal)
        {
            if (terminal.Length > 0 && !string.Equals(terminal, caller.Subject, StringComparison.Ordinal))
            {
                throw new AccessDeniedException($"A terminal token may only list its own checks; this one is for terminal '{caller.Subject}'.");
            }

            terminal = caller.Subject;
        }
        else if (caller.Role == Roles.Carrier)
        {
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
        var page = await store.ListAsync(new CheckQuery(terminal, waybillId?.Trim(), carrier, size, after), cancellationToken);
        return (page.Items, page.Next is { } next ? EncodePageToken(next) : "");
    }

    /// <summary>
    /// Confirms the loaded quantities of the latest PASS check of a waybill (L-QUANTITY) and marks the waybill LOADED.
    /// Safe to repeat: the same confirmation again answers the confirmed check; the confirmation is recorded only
    /// after the waybill is LOADED, so a failed call leaves nothing half-done.
    /// </summary>
    public async Task<CheckRecord> ConfirmAsync(Actor caller, string? id, IReadOnlyList<(string? UnNumber, double QuantityKg)> lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var violations = new List<FieldViolation>();
        var checkId = Required(id, "id", "the check id", 64, violations);
        var loaded = ConfirmationRules.ValidateLoaded(lines, violations);
        ThrowIfAny(violations);

        var check = await store.GetAsync(checkId, cancellationToken) ?? throw new NotFoundException("loading check", checkId);
        if (!string.Equals(caller.Subject, check.Input.TerminalId, StringComparison.Ordinal))
        {
            throw new AccessDeniedException($"Only the terminal that ran a check may confirm it; this token is for terminal '{caller.Subject}'.");
        }

        if (check.Confirmation is { } existing)
        {
            return SameConfirmation(check, existing, loaded);
        }

        WaybillFacts? current = null;
        LoadLimits? limits = null;
        string? latest = null;
        if (check.Verdict == CheckVerdict.Pass)
        {
            var latestTask = store.LatestIdForWaybillAsync(check.Input.WaybillId, cancellationToken);
            var limitsTask = dependencies.GetLoadLimitsAsync(check.Input.Plate, check.Basis.TrailerPlate, check.Input.TankNumber, cancellationToken);
            current = await dependencies.GetWaybillAsync(check.Input.WaybillId, cancellationToken);
            limits = await limitsTask;
            latest = await latestTask;
        }

        var findings = ConfirmationRules.Check(check, latest, current, limits, loaded);
        if (findings.Count > 0)
        {
            throw new RuleRefusalException(findings);
        }

        var onWaybill = await dependencies.MarkWaybillLoadedAsync(check.Input.WaybillId, check.Id, check.Input.TerminalId, loaded, cancellationToken);
        if (!ConfirmationRules.SameQuantities(onWaybill, loaded))
        {
            // A concurrent confirmation of this check with other quantities reached the waybill first.
            throw new RuleRefusalException([new Finding(LoadingCheckCodes.Record, $"loading-check:{check.Id}",
                $"waybill {check.Input.WaybillId} is already LOADED under this check with other quantities ({ConfirmationRules.Describe(onWaybill)})")]);
        }

        var confirmation = new ConfirmationRecord(loaded, Now(), caller.Subject);
        // The waybill is LOADED now: recording that matters more than the caller's patience.
        if (!await store.TryConfirmAsync(check.Id, confirmation, CancellationToken.None))
        {
            var winner = await store.GetAsync(check.Id, CancellationToken.None);
            return SameConfirmation(winner!, winner!.Confirmation!, loaded);
        }

        LogConfirmed(logger, check.Id, check.Input.WaybillId, loaded.Count);
        return check with { Confirmation = confirmation };
    }

    /// <summary>The clock to the microsecond: what PostgreSQL keeps, so a record reads back exactly as it was answered.</summary>
    private DateTimeOffset Now()
    {
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % 10));
    }

    private static CheckRecord SameConfirmation(CheckRecord check, ConfirmationRecord existing, IReadOnlyList<LoadedQuantity> loaded)
    {
        if (ConfirmationRules.SameQuantities(existing.Loaded, loaded))
        {
            return check;
        }

        throw new RuleRefusalException([new Finding(LoadingCheckCodes.Record, $"loading-check:{check.Id}",
            $"the check was already confirmed at {existing.ConfirmedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)} with {ConfirmationRules.Describe(existing.Loaded)}; a confirmation is never changed")]);
    }

    private static void EnsureMayRead(Actor caller, CheckRecord record)
    {
        if (caller.Role == Roles.Terminal && !string.Equals(caller.Subject, record.Input.TerminalId, StringComparison.Ordinal))
        {
            throw new AccessDeniedException($"A terminal token may only read its own checks; this one is for terminal '{caller.Subject}'.");
        }

        if (caller.Role == Roles.Carrier && !string.Equals(caller.Subject, record.CarrierId, StringComparison.Ordinal))
        {
            throw new AccessDeniedException($"A carrier token may only read checks of its own carrier; this one is for carrier '{caller.Subject}'.");
        }
    }

    private static string Required(string? value, string field, string what, int maxLength, List<FieldViolation> violations)
    {
        var text = value?.Trim() ?? "";
        if (text.Length == 0)
        {
            violations.Add(new FieldViolation(field, $"{what} is required"));
        }
        else if (text.Length > maxLength)
        {
            violations.Add(new FieldViolation(field, $"{what} must be at most {maxLength.ToString(CultureInfo.InvariantCulture)} characters"));
        }

        return text;
    }

    private static string Optional(string? value, string field, int maxLength, List<FieldViolation> violations)
    {
        var text = value?.Trim() ?? "";
        if (text.Length > maxLength)
        {
            violations.Add(new FieldViolation(field, $"must be at most {maxLength.ToString(CultureInfo.InvariantCulture)} characters"));
        }

        return text;
    }

    private static void ThrowIfAny(List<FieldViolation> violations)
    {
        if (violations.Count > 0)
        {
            throw new InvalidInputException(violations);
        }
    }

    private static string EncodePageToken(long sequence) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"1|{sequence}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static long? DecodePageToken(string token)
    {
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(base64)).Split('|');
            return parts is ["1", var position] && long.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
                ? sequence
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loading check {CheckId} of waybill {WaybillId} ({Plate}) at terminal {TerminalId}: {Verdict}")]
    private static partial void LogChecked(ILogger logger, string checkId, string waybillId, string plate, string terminalId, CheckVerdict verdict);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loading check {CheckId} confirmed; waybill {WaybillId} LOADED with {Lines} loaded line(s)")]
    private static partial void LogConfirmed(ILogger logger, string checkId, string waybillId, int lines);
}
