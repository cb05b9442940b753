using System.Globalization;
using HazChem.Transport.Contracts.Qualification.V1;
using HazChem.Transport.ServiceDefaults.Errors;

namespace HazChem.Transport.Qualification.Domain;

/// <summary>One goods line as far as qualification cares.</summary>
/// <param name="HazardClass">GB 6944 class or division (an explosive's compatibility group already removed).</param>
internal sealed record GoodsLine(string UnNumber, string HazardClass, double QuantityKg);

/// <summary>What is asked: who and what would carry which goods on which date. Optional parts are empty strings.</summary>
internal sealed record QualificationQuery(
    string CarrierId,
    string VehiclePlate,
    string TrailerPlate,
    string DriverId,
    string EscortId,
    string TankNumber,
    IReadOnlyList<GoodsLine> Goods,
    DateOnly Date);

/// <summary>What the registry holds for a query: null where nothing is registered under the given key.</summary>
/// <param name="Blacklist">Unlifted blacklist entries of any of the query's subjects (whatever their period).</param>
internal sealed record QualificationFacts(
    Carrier? Carrier,
    Vehicle? Vehicle,
    Vehicle? Trailer,
    Person? Driver,
    Person? Escort,
    Tank? Tank,
    IReadOnlyList<BlacklistEntry> Blacklist);

/// <summary>
/// The Q- rules of DOMAIN.md. Pure: the registry facts come in, every finding goes out (never just the first),
/// in a stable order — carrier, vehicle, trailer, driver, escort, tank. A missing registration is a finding of
/// the rule it makes impossible to satisfy, so a caller learns everything in one answer. All findings block.
/// </summary>
internal sealed class QualificationRules(QualificationPolicy policy)
{
    /// <summary>A driver may be at most this old, in completed years, on the transport date (管理规定 第8条).</summary>
    public const int MaxDriverAge = 60;

    /// <summary>Every finding for <paramref name="query"/> given <paramref name="facts"/>.</summary>
    public IReadOnlyList<Finding> Evaluate(QualificationQuery query, QualificationFacts facts)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(facts);
        var findings = new List<Finding>();
        CheckCarrier(query, facts, findings);
        CheckVehicle(query, facts, "vehicle", query.VehiclePlate, facts.Vehicle, findings);
        if (query.TrailerPlate.Length > 0)
        {
            CheckVehicle(query, facts, "trailer", query.TrailerPlate, facts.Trailer, findings);
        }

        CheckPerson(query, facts, PersonRole.Driver, query.DriverId, facts.Driver, findings);
        CheckPerson(query, facts, PersonRole.Escort, query.EscortId, facts.Escort, findings);
        if (query.TankNumber.Length > 0)
        {
            CheckTank(query, facts.Tank, findings);
        }

        return findings;
    }

    /// <summary>Age in completed years on <paramref name="date"/>; the birthday itself counts as reached.</summary>
    public static int AgeOn(DateOnly birthDate, DateOnly date)
    {
        var age = date.Year - birthDate.Year;
        return birthDate.AddYears(age) > date ? age - 1 : age;
    }

    private void CheckCarrier(QualificationQuery query, QualificationFacts facts, List<Finding> findings)
    {
        var subject = "carrier:" + query.CarrierId;
        var date = query.Date;
        if (facts.Carrier is not { } carrier)
        {
            findings.Add(new Finding(QualificationCodes.CarrierPermit, subject, $"Carrier {query.CarrierId} is not registered, so it holds no operating permit."));
        }
        else
        {
            var permit = carrier.Permit;
            if (date < permit.ValidFrom)
            {
                findings.Add(new Finding(QualificationCodes.CarrierPermit, subject,
                    $"Operating permit {permit.Number} is valid only from {Iso(permit.ValidFrom)}, after the transport date {Iso(date)}."));
            }
            else if (date > permit.ValidUntil)
            {
                findings.Add(new Finding(QualificationCodes.CarrierPermit, subject,
                    $"Operating permit {permit.Number} expired on {Iso(permit.ValidUntil)} (transport date {Iso(date)})."));
            }

            for (var i = 0; i < query.Goods.Count; i++)
            {
                var goods = query.Goods[i];
                if (!HazardClass.Covers(permit.Scope, goods.HazardClass))
                {
                    findings.Add(new Finding(QualificationCodes.CarrierScope, subject,
                        $"goods[{i}] UN{goods.UnNumber} is class {goods.HazardClass}, outside the operating permit scope [{List(permit.Scope)}]."));
                }

                if (policy.HighHazard(goods.UnNumber) is { } highHazard && !permit.HighHazardScope.Contains(goods.UnNumber, StringComparer.Ordinal))
                {
                    findings.Add(new Finding(QualificationCodes.CarrierScope, subject,
                        $"goods[{i}] UN{goods.UnNumber} ({highHazard.Name}) is {highHazard.CategoryLabel} goods, and the permit's high-hazard scope " +
                        $"[{List(permit.HighHazardScope)}] does not name UN{goods.UnNumber}."));
                }
            }
        }

        CheckBlacklist(facts, SubjectType.Carrier, query.CarrierId, subject, QualificationCodes.CarrierBlacklist, date, findings);
    }

    private static void CheckVehicle(
        QualificationQuery query, QualificationFacts facts, string label, string plate, Vehicle? vehicle, List<Finding> findings)
    {
        var subject = $"{label}:{plate}";
        var date = query.Date;
        if (vehicle is null)
        {
            findings.Add(new Finding(QualificationCodes.VehicleOwned, subject, $"The {label} {plate} is not registered."));
        }
        else
        {
            if (!string.Equals(vehicle.CarrierId, query.CarrierId, StringComparison.Ordinal))
            {
                findings.Add(new Finding(QualificationCodes.VehicleOwned, subject, $"The {label} {plate} is not registered to carrier {query.CarrierId}."));
            }

            if (date > vehicle.RoadTransportCert.ValidUntil)
            {
                findings.Add(new Finding(QualificationCodes.VehicleCert, subject,
                    $"Road transport certificate {vehicle.RoadTransportCert.Number} of {plate} expired on {Iso(vehicle.RoadTransportCert.ValidUntil)} (transport date {Iso(date)})."));
            }

            if (date > vehicle.InspectionValidUntil)
            {
                findings.Add(new Finding(QualificationCodes.VehicleInspection, subject,
                    $"The annual review (safety inspection) of {plate} was due on {Iso(vehicle.InspectionValidUntil)} (transport date {Iso(date)})."));
            }

            if (!vehicle.IsTrailer && vehicle.TerminalPhone.Length == 0)
            {
                findings.Add(new Finding(QualificationCodes.VehicleTerminal, subject, $"No JT/T 808 GPS terminal is bound to {plate}."));
            }
        }

        CheckBlacklist(facts, SubjectType.Vehicle, plate, subject, QualificationCodes.VehicleBlacklist, date, findings);
    }

    private static void CheckPerson(
        QualificationQuery query, QualificationFacts facts, PersonRole slot, string personId, Person? person, List<Finding> findings)
    {
        var label = slot == PersonRole.Driver ? "driver" : "escort";
        var subject = $"{label}:{personId}";
        var date = query.Date;
        if (slot == PersonRole.Escort && string.Equals(query.DriverId, query.EscortId, StringComparison.Ordinal))
        {
            findings.Add(new Finding(QualificationCodes.PersonRole, subject, $"The escort {personId} is the driver too; a driver and an escort must be two people."));
        }

        if (person is null)
        {
            findings.Add(new Finding(QualificationCodes.PersonRole, subject, $"The {label} {personId} is not registered."));
        }
        else
        {
            var who = $"{label} {person.Name} ({person.Id})";
            if (!string.Equals(person.CarrierId, query.CarrierId, StringComparison.Ordinal))
            {
                findings.Add(new Finding(QualificationCodes.PersonRole, subject, $"The {who} is not registered with carrier {query.CarrierId}."));
            }

            if (person.Role != slot)
            {
                findings.Add(new Finding(QualificationCodes.PersonRole, subject, $"The {who} is registered as {RoleName(person.Role)}, not as {RoleName(slot)}."));
            }

            var certificate = person.Qualification;
            if (date > certificate.ValidUntil)
            {
                findings.Add(new Finding(QualificationCodes.PersonCert, subject,
                    $"Qualification certificate {certificate.Number} of the {who} expired on {Iso(certificate.ValidUntil)} (transport date {Iso(date)})."));
            }

            for (var i = 0; i < query.Goods.Count; i++)
            {
                var goods = query.Goods[i];
                if (!HazardClass.Covers(certificate.Scope, goods.HazardClass))
                {
                    findings.Add(new Finding(QualificationCodes.PersonCert, subject,
                        $"Qualification certificate {certificate.Number} of the {who} covers [{List(certificate.Scope)}], " +
                        $"not goods[{i}] UN{goods.UnNumber} of class {goods.HazardClass}."));
                }
            }

            if (slot == PersonRole.Driver)
            {
                var age = AgeOn(person.BirthDate, date);
                if (age > MaxDriverAge)
                {
                    findings.Add(new Finding(QualificationCodes.PersonAge, subject,
                        $"The {who} is {age} on {Iso(date)} (born {Iso(person.BirthDate)}); a driver may be at most {MaxDriverAge}."));
                }
            }
        }

        CheckBlacklist(facts, SubjectType.Person, personId, subject, QualificationCodes.PersonBlacklist, date, findings);
    }

    private void CheckTank(QualificationQuery query, Tank? tank, List<Finding> findings)
    {
        var number = query.TankNumber;
        var subject = "tank:" + number;
        var date = query.Date;
        if (tank is null)
        {
            findings.Add(new Finding(QualificationCodes.TankInspection, subject, $"Tank {number} is not registered, so no valid inspection is on record."));
            return;
        }

        // A tank is the vehicle's equipment: one registered to someone else fails the ownership rule.
        if (!string.Equals(tank.CarrierId, query.CarrierId, StringComparison.Ordinal))
        {
            findings.Add(new Finding(QualificationCodes.VehicleOwned, subject, $"Tank {number} is not registered to carrier {query.CarrierId}."));
        }

        if (date > tank.InspectionValidUntil)
        {
            findings.Add(new Finding(QualificationCodes.TankInspection, subject,
                $"The inspection of tank {number} was due on {Iso(tank.InspectionValidUntil)} (transport date {Iso(date)})."));
        }

        for (var i = 0; i < query.Goods.Count; i++)
        {
            var goods = query.Goods[i];
            if (!tank.Media.Any(m => string.Equals(m.UnNumber, goods.UnNumber, StringComparison.Ordinal)))
            {
                findings.Add(new Finding(QualificationCodes.TankMedium, subject,
                    $"goods[{i}] UN{goods.UnNumber} is not on the permitted media of tank {number} [{List(tank.Media.Select(m => m.UnNumber))}]."));
            }

            if (policy.TankLimit(goods) is { } limit && tank.CapacityLitres > limit.MaxLitres)
            {
                findings.Add(new Finding(QualificationCodes.TankSize, subject,
                    $"Tank {number} holds {Number(tank.CapacityLitres)} L; {limit.Reason} goods (goods[{i}] UN{goods.UnNumber}) " +
                    $"need a tank of at most {Number(limit.MaxLitres)} L."));
            }
        }
    }

    private static void CheckBlacklist(
        QualificationFacts facts, SubjectType type, string subjectId, string subject, string code, DateOnly date, List<Finding> findings)
    {
        foreach (var entry in facts.Blacklist)
        {
            if (entry.SubjectType == type && string.Equals(entry.SubjectId, subjectId, StringComparison.Ordinal) && entry.IsInForceOn(date))
            {
                var until = entry.Until is { } last ? "until " + Iso(last) : "indefinitely";
                findings.Add(new Finding(code, subject,
                    $"{subject} is blacklisted from {Iso(entry.ValidFrom)} {until}: {entry.Reason}"));
            }
        }
    }

    private static string RoleName(PersonRole role) => role switch
    {
        PersonRole.Driver => "DRIVER",
        PersonRole.Escort => "ESCORT",
        _ => "no role",
    };

    private static string Iso(DateOnly date) => IsoDate.Format(date);

    private static string List(IEnumerable<string> values) => string.Join(", ", values);

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
