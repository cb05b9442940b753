using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using HazChem.Transport.Contracts.Qualification.V1;
using HazChem.Transport.ServiceDefaults.Errors;
using HazChem.Transport.Waybill.Domain;
using HazChem.Transport.Waybill.Options;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.Waybill.Registry;

/// <summary>What the Waybill service asks the qualification registry at issue and amendment time.</summary>
internal interface IQualificationRegistry
{
    /// <summary>
    /// Every Q- finding for the transport on its travel dates, and the registrations the W- rules need (permit
    /// number, rated loads, tank media, certificate numbers). Throws an UNAVAILABLE <see cref="RpcException"/>
    /// when the registry cannot answer in time: a waybill is never issued on missing data.
    /// </summary>
    Task<RegistryFacts> LookUpAsync(string carrierId, WaybillContent content, CancellationToken cancellationToken);
}

/// <summary>The registry over gRPC (the Qualification service), every call under one deadline.</summary>
internal sealed partial class QualificationRegistry(
    QualificationService.QualificationServiceClient client,
    IOptions<WaybillOptions> options,
    TimeProvider time,
    ILogger<QualificationRegistry> logger) : IQualificationRegistry
{
    public async Task<RegistryFacts> LookUpAsync(string carrierId, WaybillContent content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var deadline = time.GetUtcNow() + options.Value.QualificationTimeout;
        var call = new CallOptions(deadline: deadline.UtcDateTime, cancellationToken: cancellationToken);
        var evaluations = BusinessCalendar.TravelDates(content.Window)
            .Select(date => client.EvaluateQualificationAsync(EvaluationRequest(carrierId, content, date), call).ResponseAsync)
            .ToList();
        var carrier = Optional(client.GetCarrierAsync(new GetCarrierRequest { Id = carrierId }, call).ResponseAsync);
        var vehicle = Optional(client.GetVehicleAsync(new GetVehicleRequest { Plate = content.VehiclePlate }, call).ResponseAsync);
        var trailer = content.TrailerPlate.Length == 0
            ? Task.FromResult<GetVehicleResponse?>(null)
            : Optional(client.GetVehicleAsync(new GetVehicleRequest { Plate = content.TrailerPlate }, call).ResponseAsync);
        var tank = content.TankNumber.Length == 0
            ? Task.FromResult<GetTankResponse?>(null)
            : Optional(client.GetTankAsync(new GetTankRequest { Number = content.TankNumber }, call).ResponseAsync);
        var driver = Optional(client.GetPersonAsync(new GetPersonRequest { Id = content.DriverId }, call).ResponseAsync);
        var escort = Optional(client.GetPersonAsync(new GetPersonRequest { Id = content.EscortId }, call).ResponseAsync);

        try
        {
            await Task.WhenAll([.. evaluations, carrier, vehicle, trailer, tank, driver, escort]);
        }
        catch (RpcException ex)
        {
            throw Translate(ex, timedOut: ex.StatusCode == StatusCode.DeadlineExceeded || time.GetUtcNow() >= deadline);
        }

        var findings = new List<Finding>();
        foreach (var evaluation in evaluations)
        {
            var response = evaluation.Result;
            var before = findings.Count;
            foreach (var f in response.Findings)
            {
                var finding = new Finding(f.Code, f.Subject, f.Message, f.Blocking);
                if (!findings.Contains(finding))
                {
                    findings.Add(finding);
                }
            }

            if (!response.Qualified && !findings.Skip(before).Any(f => f.Blocking))
            {
                findings.Add(new Finding(RuleCodes.Qualified, "qualification", $"the registry reports the transport as not qualified on {response.Date}"));
            }
        }

        return new RegistryFacts(
            carrier.Result?.Carrier is { } c ? new CarrierFacts(c.Id, c.Permit?.Number ?? "") : null,
            Vehicle(vehicle.Result?.Vehicle),
            Vehicle(trailer.Result?.Vehicle),
            tank.Result?.Tank is { } t
                ? new TankFacts(t.Number, t.Media.GroupBy(m => m.UnNumber, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Max(m => m.MaxLoadKg), StringComparer.Ordinal))
                : null,
            driver.Result?.Person is { } d ? new PersonFacts(d.Id, d.Qualification?.Number ?? "") : null,
            escort.Result?.Person is { } e ? new PersonFacts(e.Id, e.Qualification?.Number ?? "") : null,
            findings);
    }

    private static EvaluateQualificationRequest EvaluationRequest(string carrierId, WaybillContent content, DateOnly date)
    {
        var request = new EvaluateQualificationRequest
        {
            CarrierId = carrierId,
            VehiclePlate = content.VehiclePlate,
            TrailerPlate = content.TrailerPlate,
            DriverId = content.DriverId,
            EscortId = content.EscortId,
            TankNumber = content.TankNumber,
            Date = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        request.Goods.AddRange(content.Goods.Select(g => new GoodsItem { UnNumber = g.UnNumber, HazardClass = g.HazardClass, QuantityKg = g.QuantityKg }));
        return request;
    }

    private static VehicleFacts? Vehicle(Contracts.Qualification.V1.Vehicle? v) => v is null
        ? null
        : new VehicleFacts(v.Plate, v.CarrierId, v.Kind is VehicleKind.TankTruck or VehicleKind.TankTrailer, v.Kind.ToString(), v.RatedLoadKg);

    /// <summary>A registration that does not exist (or whose key the registry finds malformed) is null, not an error.</summary>
    private static async Task<T?> Optional<T>(Task<T> call)
        where T : class
    {
        try
        {
            return await call;
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument)
        {
            return null;
        }
    }

    /// <summary>
    /// Bad input the registry names (its field names are the waybill's) is the caller's 400; anything else means
    /// the registry cannot answer, and the caller gets UNAVAILABLE rather than a waybill issued on missing data.
    /// </summary>
    private Exception Translate(RpcException ex, bool timedOut)
    {
        var status = ex.GetRpcStatus();
        if (ex.StatusCode == StatusCode.InvalidArgument && status?.GetDetail<BadRequest>() is { FieldViolations.Count: > 0 } badRequest)
        {
            return new InvalidInputException([.. badRequest.FieldViolations.Select(v => new FieldViolation(v.Field, v.Description))]);
        }

        LogUnavailable(logger, ex.StatusCode, ex.Status.Detail);
        // A deadline that passes on both ends may reach us as the server's CANCELLED; what matters is the time.
        var what = timedOut
            ? $"within {options.Value.QualificationTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s"
            : $"({ex.StatusCode}: {ex.Status.Detail})";
        var unavailable = new Google.Rpc.Status
        {
            Code = (int)Code.Unavailable,
            Message = $"The qualification registry did not answer {what}; no waybill was issued or changed. Try again later.",
        };
        unavailable.Details.Add(Any.Pack(new ResourceInfo
        {
            ResourceType = "service",
            ResourceName = "Qualification",
            Description = "W-QUALIFIED needs the qualification registry's verdict",
        }));
        return unavailable.ToRpcException();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Qualification registry unavailable: {Code} {Detail}")]
    private static partial void LogUnavailable(ILogger logger, StatusCode code, string detail);
}
