using Google.Protobuf.WellKnownTypes;
using HazChem.Transport.Contracts.Common.V1;
using HazChem.Transport.Qualification.Domain;
using HazChem.Transport.ServiceDefaults.Errors;
using Proto = HazChem.Transport.Contracts.Qualification.V1;

namespace HazChem.Transport.Qualification.Mapping;

/// <summary>Domain records as contract messages.</summary>
internal static class ResponseWriter
{
    public static Proto.Carrier ToProto(this Carrier carrier)
    {
        ArgumentNullException.ThrowIfNull(carrier);
        var permit = new Proto.Permit
        {
            Number = carrier.Permit.Number,
            ValidFrom = IsoDate.Format(carrier.Permit.ValidFrom),
            ValidUntil = IsoDate.Format(carrier.Permit.ValidUntil),
        };
        permit.Scope.AddRange(carrier.Permit.Scope);
        permit.HighHazardScope.AddRange(carrier.Permit.HighHazardScope);
        return new Proto.Carrier
        {
            Id = carrier.Id,
            Name = carrier.Name,
            CreditCode = carrier.CreditCode,
            Permit = permit,
            Version = carrier.Stamp.Version,
            CreatedAt = Timestamp.FromDateTime(carrier.Stamp.CreatedAt),
            UpdatedAt = Timestamp.FromDateTime(carrier.Stamp.UpdatedAt),
        };
    }

    public static Proto.Vehicle ToProto(this Vehicle vehicle)
    {
        ArgumentNullException.ThrowIfNull(vehicle);
        return new Proto.Vehicle
        {
            Plate = vehicle.Plate,
            CarrierId = vehicle.CarrierId,
            Kind = vehicle.Kind,
            RatedLoadKg = vehicle.RatedLoadKg,
            RoadTransportCert = new Proto.RoadTransportCert
            {
                Number = vehicle.RoadTransportCert.Number,
                ValidUntil = IsoDate.Format(vehicle.RoadTransportCert.ValidUntil),
            },
            InspectionValidUntil = IsoDate.Format(vehicle.InspectionValidUntil),
            TerminalPhone = vehicle.TerminalPhone,
            Version = vehicle.Stamp.Version,
            CreatedAt = Timestamp.FromDateTime(vehicle.Stamp.CreatedAt),
            UpdatedAt = Timestamp.FromDateTime(vehicle.Stamp.UpdatedAt),
        };
    }

    public static Proto.Person ToProto(this Person person)
    {
        ArgumentNullException.ThrowIfNull(person);
        var certificate = new Proto.PersonCertificate
        {
            Number = person.Qualification.Number,
            ValidUntil = IsoDate.Format(person.Qualification.ValidUntil),
        };
        certificate.Scope.AddRange(person.Qualification.Scope);
        return new Proto.Person
        {
            Id = person.Id,
            CarrierId = person.CarrierId,
            IdNumber = person.IdNumber,
            Name = person.Name,
            Role = person.Role,
            Qualification = certificate,
            Phone = person.Phone,
            Version = person.Stamp.Version,
            CreatedAt = Timestamp.FromDateTime(person.Stamp.CreatedAt),
            UpdatedAt = Timestamp.FromDateTime(person.Stamp.UpdatedAt),
        };
    }

    public static Proto.Tank ToProto(this Tank tank)
    {
        ArgumentNullException.ThrowIfNull(tank);
        var message = new Proto.Tank
        {
            Number = tank.Number,
            CarrierId = tank.CarrierId,
            CapacityLitres = tank.CapacityLitres,
            InspectionValidUntil = IsoDate.Format(tank.InspectionValidUntil),
            Version = tank.Stamp.Version,
            CreatedAt = Timestamp.FromDateTime(tank.Stamp.CreatedAt),
            UpdatedAt = Timestamp.FromDateTime(tank.Stamp.UpdatedAt),
        };
        message.Media.AddRange(tank.Media.Select(m => new Proto.TankMedium { UnNumber = m.UnNumber, MaxLoadKg = m.MaxLoadKg }));
        return message;
    }

    /// <param name="today">Decides <c>active</c>: in force today and not lifted.</param>
    public static Proto.BlacklistEntry ToProto(this BlacklistEntry entry, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new Proto.BlacklistEntry
        {
            Id = entry.Id,
            SubjectType = entry.SubjectType,
            SubjectId = entry.SubjectId,
            Reason = entry.Reason,
            ValidFrom = IsoDate.Format(entry.ValidFrom),
            Until = entry.Until is { } until ? IsoDate.Format(until) : "",
            Active = entry.IsInForceOn(today),
            CreatedAt = Timestamp.FromDateTime(entry.CreatedAt),
            CreatedBy = entry.CreatedBy,
            LiftedAt = entry.LiftedAt is { } lifted ? Timestamp.FromDateTime(lifted) : null,
            LiftedBy = entry.LiftedBy,
            LiftReason = entry.LiftReason,
            Version = entry.Version,
        };
    }

    public static Proto.EvaluateQualificationResponse Evaluation(DateOnly date, IReadOnlyList<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var response = new Proto.EvaluateQualificationResponse
        {
            Qualified = !findings.Any(f => f.Blocking),
            Date = IsoDate.Format(date),
        };
        response.Findings.AddRange(findings.Select(f => new RuleFinding { Code = f.Code, Subject = f.Subject, Message = f.Message, Blocking = f.Blocking }));
        return response;
    }
}
