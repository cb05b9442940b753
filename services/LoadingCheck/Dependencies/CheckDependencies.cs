using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using HazChem.Transport.Contracts.Common.V1;
using HazChem.Transport.Contracts.Qualification.V1;
using HazChem.Transport.Contracts.Telemetry.V1;
using HazChem.Transport.Contracts.Waybill.V1;
using HazChem.Transport.LoadingCheck.Domain;
using HazChem.Transport.LoadingCheck.Options;
using HazChem.Transport.ServiceDefaults.Errors;
using Microsoft.Extensions.Options;
using DomainFinding = HazChem.Transport.ServiceDefaults.Errors.Finding;

namespace HazChem.Transport.LoadingCheck.Dependencies;

/// <summary>What the loading-check service asks its three dependencies.</summary>
internal interface ICheckDependencies
{
    /// <summary>
    /// Asks Waybill, Qualification and Telemetry everything a check needs, concurrently, each call under its
    /// service's deadline. Never throws for a dependency that cannot answer: that answer is <see cref="AnswerKind.Unavailable"/>.
    /// Throws <see cref="InvalidInputException"/> when the registry finds the presented ids malformed.
    /// </summary>
    Task<Evidence> GatherAsync(CheckInput input, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// The rated load of vehicle plus trailer and the tank's maximum load per medium, as registered now. A vehicle,
    /// trailer or tank no longer registered is a <see cref="RuleRefusalException"/>; UNAVAILABLE as an exception.
    /// </summary>
    Task<LoadLimits> GetLoadLimitsAsync(string plate, string trailerPlate, string tankNumber, CancellationToken cancellationToken);

    /// <summary>The waybill as it stands now; NOT_FOUND or UNAVAILABLE as exceptions.</summary>
    Task<WaybillFacts> GetWaybillAsync(string waybillId, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the waybill LOADED under the check (idempotent on the Waybill side for the same check) and returns the
    /// quantities the waybill now holds. Refusals as <see cref="RuleRefusalException"/>; UNAVAILABLE as an exception.
    /// </summary>
    Task<IReadOnlyList<LoadedQuantity>> MarkWaybillLoadedAsync(string waybillId, string checkId, string terminalId, IReadOnlyList<LoadedQuantity> loaded, CancellationToken cancellationToken);
}

/// <summary>The dependencies over gRPC, each call with the service's own token and deadline.</summary>
internal sealed partial class CheckDependencies(
    QualificationService.QualificationServiceClient qualification,
    WaybillService.WaybillServiceClient waybills,
    TelemetryService.TelemetryServiceClient telemetry,
    IOptions<LoadingCheckOptions> options,
    TimeProvider time,
    ILogger<CheckDependencies> logger) : ICheckDependencies
{
    private const string QualificationName = "Qualification";
    private const string WaybillName = "Waybill";
    private const string TelemetryName = "Telemetry";

    public async Task<Evidence> GatherAsync(CheckInput input, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = options.Value;
        var waybill = AskAsync(WaybillName, o.WaybillTimeout,
            call => waybills.GetWaybillAsync(new GetWaybillRequest { Id = input.WaybillId }, call),
            r => ToFacts(r.Waybill),
            cancellationToken);
        var position = AskAsync(TelemetryName, o.TelemetryTimeout,
            call => telemetry.GetLatestPositionAsync(new GetLatestPositionRequest { Plate = input.Plate }, call),
            r => r.Position?.FixTime is { } fix ? new PositionFacts(fix.ToDateTimeOffset()) : null,
            cancellationToken);
        // The verdict needs the waybill's carrier, goods and trailer: it starts as soon as the waybill is in,
        // while the position read is still out.
        var verdict = EvaluateAsync(input, waybill, now, cancellationToken);

        await Task.WhenAll(waybill, position, verdict);
        return new Evidence(await waybill, await verdict, await position);
    }

    public async Task<LoadLimits> GetLoadLimitsAsync(string plate, string trailerPlate, string tankNumber, CancellationToken cancellationToken)
    {
        var timeout = options.Value.QualificationTimeout;
        var vehicle = AskAsync(QualificationName, timeout,
            call => qualification.GetVehicleAsync(new GetVehicleRequest { Plate = plate }, call), r => ToFacts(r.Vehicle), cancellationToken);
        var trailer = trailerPlate.Length == 0
            ? Task.FromResult(Answer<VehicleFacts>.NotAsked("no trailer"))
            : AskAsync(QualificationName, timeout,
                call => qualification.GetVehicleAsync(new GetVehicleRequest { Plate = trailerPlate }, call), r => ToFacts(r.Vehicle), cancellationToken);
        var tank = tankNumber.Length == 0
            ? Task.FromResult(Answer<TankFacts>.NotAsked("no tank"))
            : AskAsync(QualificationName, timeout,
                call => qualification.GetTankAsync(new GetTankRequest { Number = tankNumber }, call), r => ToFacts(r.Tank), cancellationToken);
        await Task.WhenAll(vehicle, trailer, tank);

        var unavailable = new[] { (await vehicle).Kind == AnswerKind.Unavailable ? (await vehicle).Reason : null, (await trailer).Kind == AnswerKind.Unavailable ? (await trailer).Reason : null, (await tank).Kind == AnswerKind.Unavailable ? (await tank).Reason : null };
        if (unavailable.FirstOrDefault(r => r is not null) is { } reason)
        {
            throw Unavailable(QualificationName, reason, "the rated load and tank limits could not be read; nothing was confirmed and the waybill is unchanged; try again");
        }

        var missing = new List<DomainFinding>();
        if ((await vehicle).Kind == AnswerKind.Absent)
        {
            missing.Add(new DomainFinding(LoadingCheckCodes.VehicleDocs, $"vehicle:{plate}", $"vehicle {plate} is no longer registered"));
        }

        if ((await trailer).Kind == AnswerKind.Absent)
        {
            missing.Add(new DomainFinding(LoadingCheckCodes.VehicleDocs, $"trailer:{trailerPlate}", $"trailer {trailerPlate} is no longer registered"));
        }

        if ((await tank).Kind == AnswerKind.Absent)
        {
            missing.Add(new DomainFinding(LoadingCheckCodes.TankMedium, $"tank:{tankNumber}", $"tank {tankNumber} is no longer registered"));
        }

        if (missing.Count > 0)
        {
            throw new RuleRefusalException(missing);
        }

        return new LoadLimits((await vehicle).Value!.RatedLoadKg + ((await trailer).Value?.RatedLoadKg ?? 0), (await tank).Value?.MaxLoadKgByUn);
    }

    public async Task<WaybillFacts> GetWaybillAsync(string waybillId, CancellationToken cancellationToken)
    {
        var answer = await AskAsync(WaybillName, options.Value.WaybillTimeout,
            call => waybills.GetWaybillAsync(new GetWaybillRequest { Id = waybillId }, call),
            r => ToFacts(r.Waybill),
            cancellationToken);
        return answer.Kind switch
        {
            AnswerKind.Found => answer.Value!,
            AnswerKind.Absent => throw new NotFoundException("waybill", waybillId),
            _ => throw Unavailable(WaybillName, answer.Reason, "nothing was confirmed and the waybill is unchanged; try again"),
        };
    }

    public async Task<IReadOnlyList<LoadedQuantity>> MarkWaybillLoadedAsync(string waybillId, string checkId, string terminalId, IReadOnlyList<LoadedQuantity> loaded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        var request = new MarkWaybillLoadedRequest { Id = waybillId, LoadingCheckId = checkId, TerminalId = terminalId };
        request.Loaded.AddRange(loaded.Select(l => new LoadedLine { UnNumber = l.UnNumber, QuantityKg = l.QuantityKg }));
        var timeout = options.Value.WaybillTimeout;
        try
        {
            var response = await waybills.MarkWaybillLoadedAsync(request, Call(timeout, cancellationToken));
            return [.. response.Waybill.Loaded.Select(l => new LoadedQuantity(l.UnNumber, l.QuantityKg))];
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            switch (ex.StatusCode)
            {
                case StatusCode.FailedPrecondition when ex.GetRpcStatus()?.GetDetail<RuleFindings>() is { } findings:
                    throw new RuleRefusalException([.. findings.Findings.Select(f => new DomainFinding(f.Code, f.Subject, f.Message, f.Blocking))]);
                case StatusCode.NotFound:
                    throw new NotFoundException("waybill", waybillId);
                default:
                    LogUnavailable(logger, WaybillName, ex.StatusCode, ex.Status.Detail);
                    throw Unavailable(WaybillName, Why(ex, timeout), "the confirmation was not recorded and the waybill was not marked LOADED; confirm again");
            }
        }
    }

    private async Task<Answer<QualificationFacts>> EvaluateAsync(CheckInput input, Task<Answer<WaybillFacts>> waybillAnswer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var waybill = await waybillAnswer;
        if (waybill.Value is not { } w)
        {
            return Answer<QualificationFacts>.NotAsked(waybill.Kind == AnswerKind.Absent
                ? "not evaluated: there is no waybill naming the carrier and goods"
                : "not evaluated: the waybill (carrier and goods) could not be read");
        }

        var request = new EvaluateQualificationRequest
        {
            CarrierId = w.CarrierId,
            VehiclePlate = input.Plate,
            TrailerPlate = w.TrailerPlate,
            DriverId = input.DriverId,
            EscortId = input.EscortId,
            TankNumber = input.TankNumber,
            Date = BusinessCalendar.DateAt(now).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        request.Goods.AddRange(w.Goods.Select(g => new GoodsItem { UnNumber = g.UnNumber, HazardClass = g.HazardClass, QuantityKg = g.QuantityKg }));
        var timeout = options.Value.QualificationTimeout;
        try
        {
            var response = await qualification.EvaluateQualificationAsync(request, Call(timeout, cancellationToken));
            return Answer<QualificationFacts>.Found(new QualificationFacts(
                response.Qualified,
                [.. response.Findings.Select(f => new DomainFinding(f.Code, f.Subject, f.Message, f.Blocking))],
                response.Date));
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument
            && ex.GetRpcStatus()?.GetDetail<BadRequest>() is { FieldViolations.Count: > 0 } badRequest)
        {
            // The registry's field names are the evaluation's; the presented ones are the terminal's to fix.
            throw new InvalidInputException([.. badRequest.FieldViolations.Select(v => new FieldViolation(v.Field == "vehiclePlate" ? "plate" : v.Field, v.Description))]);
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnavailable(logger, QualificationName, ex.StatusCode, ex.Status.Detail);
            return Answer<QualificationFacts>.Unavailable(Why(ex, timeout, QualificationName));
        }
    }

    /// <summary>One question: NOT_FOUND (or a key the dependency finds malformed) is an answer; anything else is "could not answer".</summary>
    private async Task<Answer<T>> AskAsync<TResponse, T>(
        string service, TimeSpan timeout, Func<CallOptions, AsyncUnaryCall<TResponse>> call, Func<TResponse, T?> map, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var response = await call(Call(timeout, cancellationToken));
            return map(response) is { } value ? Answer<T>.Found(value) : Answer<T>.Absent($"{service} answered without a value");
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument)
        {
            return Answer<T>.Absent(ex.Status.Detail);
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnavailable(logger, service, ex.StatusCode, ex.Status.Detail);
            return Answer<T>.Unavailable(Why(ex, timeout, service));
        }
    }

    private CallOptions Call(TimeSpan timeout, CancellationToken cancellationToken) =>
        new(deadline: (time.GetUtcNow() + timeout).UtcDateTime, cancellationToken: cancellationToken);

    private static string Why(RpcException ex, TimeSpan timeout, string service = WaybillName) =>
        ex.StatusCode is StatusCode.DeadlineExceeded or StatusCode.Cancelled
            ? $"the {service} service did not answer within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s"
            : $"the {service} service could not answer ({ex.StatusCode}: {ex.Status.Detail})";

    private static RpcException Unavailable(string service, string reason, string consequence)
    {
        var status = new Google.Rpc.Status { Code = (int)Code.Unavailable, Message = $"{Capitalise(reason)}; {consequence}." };
        status.Details.Add(Any.Pack(new ResourceInfo { ResourceType = "service", ResourceName = service, Description = reason }));
        return status.ToRpcException();
    }

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static WaybillFacts? ToFacts(WaybillRecord? w) => w is null
        ? null
        : new WaybillFacts(
            w.Id, w.Version, StatusName(w.Status), w.CarrierId, w.VehiclePlate, w.TrailerPlate, w.TankNumber, w.DriverId, w.EscortId,
            [.. w.Goods.Select(g => new GoodsFact(g.UnNumber, g.HazardClass, g.QuantityKg))],
            w.LoadingCheckId,
            [.. w.Loaded.Select(l => new LoadedQuantity(l.UnNumber, l.QuantityKg))],
            w.Window?.End?.ToDateTimeOffset());

    private static VehicleFacts? ToFacts(Contracts.Qualification.V1.Vehicle? v) => v is null ? null : new VehicleFacts(v.Plate, v.CarrierId, v.RatedLoadKg);

    private static TankFacts? ToFacts(Tank? t) => t is null
        ? null
        : new TankFacts(t.Number, t.CarrierId, t.Media.GroupBy(m => m.UnNumber, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Max(m => m.MaxLoadKg), StringComparer.Ordinal));

    private static string StatusName(WaybillStatus status) => status switch
    {
        WaybillStatus.Issued => "ISSUED",
        WaybillStatus.Loaded => "LOADED",
        WaybillStatus.InTransit => "IN_TRANSIT",
        WaybillStatus.Delivered => "DELIVERED",
        WaybillStatus.Cancelled => "CANCELLED",
        WaybillStatus.Expired => "EXPIRED",
        _ => "UNSPECIFIED",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Service} could not answer a loading check: {Code} {Detail}")]
    private static partial void LogUnavailable(ILogger logger, string service, StatusCode code, string detail);
}
