using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf.Collections;
using HazChem.Transport.Contracts.Qualification.V1;
using HazChem.Transport.Qualification.Domain;
using HazChem.Transport.Qualification.Storage;
using HazChem.Transport.ServiceDefaults.Errors;
using Proto = HazChem.Transport.Contracts.Qualification.V1;

namespace HazChem.Transport.Qualification.Mapping;

/// <summary>
/// Reads requests into domain drafts, checking every field's format (not just presence) and reporting all bad
/// fields at once with their JSON paths (<c>permit.validUntil</c>, <c>media[0].unNumber</c>). Identifiers are
/// normalised on the way in: plates lose separators, ID numbers and credit codes are upper-cased.
/// </summary>
internal static partial class RequestReader
{
    private const int NameLength = 200;
    private const int NumberLength = 64;
    private const int ReasonLength = 1000;
    private const double MaxKg = 100_000;
    private const double MaxLitres = 100_000;

    public static CarrierDraft Carrier(string name, string creditCode, Proto.Permit? permit)
    {
        var errors = new FieldErrors();
        var draft = new CarrierDraft(Text(errors, "name", name, NameLength), CreditCodeOf(errors, "creditCode", creditCode), PermitOf(errors, permit));
        errors.ThrowIfAny();
        return draft;
    }

    public static VehicleDraft Vehicle(
        string plate, VehicleKind kind, double ratedLoadKg, RoadTransportCert? cert, string inspectionValidUntil, string terminalPhone)
    {
        var errors = new FieldErrors();
        var normalized = PlateOf(errors, "plate", plate, out var plateKind);
        if (kind == VehicleKind.Unspecified || !Enum.IsDefined(kind))
        {
            errors.Add("kind", "is required: TANK_TRUCK, VAN_TRUCK, FLATBED_TRUCK, TRACTOR, TANK_TRAILER, VAN_TRAILER or FLATBED_TRAILER");
        }
        else if (plateKind is { } known && IsTrailerKind(kind) != (known == PlateKind.Trailer))
        {
            errors.Add("kind", known == PlateKind.Trailer
                ? $"{normalized} is a trailer plate, so the kind must be TANK_TRAILER, VAN_TRAILER or FLATBED_TRAILER"
                : $"{normalized} is not a trailer plate (trailers end in 挂), so the kind cannot be a trailer kind");
        }

        var load = Positive(errors, "ratedLoadKg", ratedLoadKg, MaxKg, "kg");
        Certificate certificate;
        if (cert is null)
        {
            errors.Add("roadTransportCert", "is required: { number, validUntil }");
            certificate = new Certificate("", default);
        }
        else
        {
            certificate = new Certificate(
                Text(errors, "roadTransportCert.number", cert.Number, NumberLength),
                Date(errors, "roadTransportCert.validUntil", cert.ValidUntil));
        }

        var inspection = Date(errors, "inspectionValidUntil", inspectionValidUntil);
        var phone = (terminalPhone ?? "").Trim();
        if (phone.Length > 0)
        {
            if (!TerminalPhone.IsValid(phone))
            {
                errors.Add("terminalPhone", TerminalPhone.Rule);
            }
            else if (plateKind == PlateKind.Trailer)
            {
                errors.Add("terminalPhone", "must be empty for a trailer: the GPS terminal is bound to the towing vehicle");
            }
        }

        errors.ThrowIfAny();
        return new VehicleDraft(normalized, kind, load, certificate, inspection, phone);
    }

    public static string IdNumber(FieldErrors errors, string idNumber, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var normalized = ResidentIdNumber.Normalize(idNumber);
        if (normalized.Length == 0)
        {
            errors.Add("idNumber", "is required");
        }
        else if (ResidentIdNumber.Validate(normalized, today) is { } problem)
        {
            errors.Add("idNumber", problem);
        }

        return normalized;
    }

    public static PersonDraft Person(FieldErrors errors, string name, PersonRole role, Proto.PersonCertificate? qualification, string phone)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var personName = Text(errors, "name", name, NameLength);
        if (role is not (PersonRole.Driver or PersonRole.Escort))
        {
            errors.Add("role", "is required: DRIVER or ESCORT");
        }

        Domain.PersonCertificate certificate;
        if (qualification is null)
        {
            errors.Add("qualification", "is required: { number, validUntil, scope }");
            certificate = new Domain.PersonCertificate("", default, []);
        }
        else
        {
            certificate = new Domain.PersonCertificate(
                Text(errors, "qualification.number", qualification.Number, NumberLength),
                Date(errors, "qualification.validUntil", qualification.ValidUntil),
                Scope(errors, "qualification.scope", qualification.Scope));
        }

        var phoneNumber = (phone ?? "").Trim();
        if (phoneNumber.Length > 0 && !PhoneNumber().IsMatch(phoneNumber))
        {
            errors.Add("phone", "must be a phone number: digits, optionally with a leading + and - or spaces, 5 to 20 characters");
        }

        return new PersonDraft(personName, role, certificate, phoneNumber);
    }

    public static string TankNumber(FieldErrors errors, string field, string number)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var normalized = (number ?? "").Trim().ToUpperInvariant();
        if (normalized.Length == 0)
        {
            errors.Add(field, "is required");
        }
        else if (!TankNumberShape().IsMatch(normalized))
        {
            errors.Add(field, "must be a tank number: 1 to 32 letters, digits or '-', starting with a letter or digit");
        }

        return normalized;
    }

    public static TankDraft Tank(FieldErrors errors, double capacityLitres, string inspectionValidUntil, RepeatedField<Proto.TankMedium> media)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(media);
        var capacity = Positive(errors, "capacityLitres", capacityLitres, MaxLitres, "litres");
        var inspection = Date(errors, "inspectionValidUntil", inspectionValidUntil);
        if (media.Count == 0)
        {
            errors.Add("media", "must list at least one permitted medium { unNumber, maxLoadKg }");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var read = new List<Domain.TankMedium>(media.Count);
        for (var i = 0; i < media.Count; i++)
        {
            var un = (media[i].UnNumber ?? "").Trim();
            if (!UnNumber.IsValid(un))
            {
                errors.Add($"media[{i}].unNumber", UnNumber.Rule);
            }
            else if (!seen.Add(un))
            {
                errors.Add($"media[{i}].unNumber", $"UN{un} is listed twice");
            }

            read.Add(new Domain.TankMedium(un, Positive(errors, $"media[{i}].maxLoadKg", media[i].MaxLoadKg, MaxKg, "kg")));
        }

        return new TankDraft(capacity, inspection, read);
    }

    /// <summary>A plate given as a key (path parameter); malformed plates cannot be registered, so they are 400.</summary>
    public static string PlateKey(string plate, string field = "plate")
    {
        var errors = new FieldErrors();
        var normalized = PlateOf(errors, field, plate, out _);
        errors.ThrowIfAny();
        return normalized;
    }

    /// <summary>A required id (carrier or person id).</summary>
    public static string Id(string value, string field)
    {
        var errors = new FieldErrors();
        var id = Id(errors, field, value);
        errors.ThrowIfAny();
        return id;
    }

    public static string Id(FieldErrors errors, string field, string value)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var id = (value ?? "").Trim();
        if (id.Length == 0)
        {
            errors.Add(field, "is required");
        }
        else if (id.Length > NumberLength)
        {
            errors.Add(field, $"must be at most {NumberLength} characters");
        }

        return id;
    }

    public static string TerminalPhoneKey(string terminalPhone)
    {
        var phone = (terminalPhone ?? "").Trim();
        if (!TerminalPhone.IsValid(phone))
        {
            throw new InvalidInputException("terminalPhone", TerminalPhone.Rule);
        }

        return phone;
    }

    /// <summary>The subject of a blacklist entry: a carrier id, a plate or a person id.</summary>
    public static (SubjectType Type, string Id) Subject(FieldErrors errors, SubjectType type, string subjectId)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (type is not (SubjectType.Carrier or SubjectType.Vehicle or SubjectType.Person))
        {
            errors.Add("subjectType", "is required: CARRIER, VEHICLE or PERSON");
            return (type, (subjectId ?? "").Trim());
        }

        return (type, type == SubjectType.Vehicle ? PlateOf(errors, "subjectId", subjectId, out _) : Id(errors, "subjectId", subjectId));
    }

    public static (SubjectType Type, string Id) Subject(SubjectType type, string subjectId)
    {
        var errors = new FieldErrors();
        var subject = Subject(errors, type, subjectId);
        errors.ThrowIfAny();
        return subject;
    }

    public static BlacklistDraft NewBlacklistEntry(CreateBlacklistEntryRequest request, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        var (type, id) = Subject(errors, request.SubjectType, request.SubjectId);
        var reason = Text(errors, "reason", request.Reason, ReasonLength);
        var from = OptionalDate(errors, "validFrom", request.ValidFrom) ?? today;
        var until = OptionalDate(errors, "until", request.Until);
        if (until is { } last)
        {
            if (last < from)
            {
                errors.Add("until", $"must not be before validFrom {IsoDate.Format(from)}");
            }
            else if (last < today)
            {
                errors.Add("until", $"must not be in the past (today is {IsoDate.Format(today)})");
            }
        }

        errors.ThrowIfAny();
        return new BlacklistDraft(type, id, reason, from, until);
    }

    public static (SubjectType Type, string Id, string Reason, DateOnly? ValidFrom, DateOnly? Until) BlacklistChange(UpdateBlacklistEntryRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        var (type, id) = Subject(errors, request.SubjectType, request.SubjectId);
        var reason = Text(errors, "reason", request.Reason, ReasonLength);
        var from = OptionalDate(errors, "validFrom", request.ValidFrom);
        var until = OptionalDate(errors, "until", request.Until);
        if (from is { } first && until is { } last && last < first)
        {
            errors.Add("until", $"must not be before validFrom {IsoDate.Format(first)}");
        }

        errors.ThrowIfAny();
        return (type, id, reason, from, until);
    }

    public static string LiftReason(string reason)
    {
        var text = (reason ?? "").Trim();
        if (text.Length > ReasonLength)
        {
            throw new InvalidInputException("reason", $"must be at most {ReasonLength} characters");
        }

        return text;
    }

    public static PageRequest Page(int pageSize, string pageToken)
    {
        var errors = new FieldErrors();
        if (pageSize < 0)
        {
            errors.Add("pageSize", "must not be negative (0 = the default page size)");
        }
        else if (pageSize > PageRequest.MaxSize)
        {
            errors.Add("pageSize", $"must be at most {PageRequest.MaxSize}");
        }

        IReadOnlyList<string>? after = null;
        if (!string.IsNullOrEmpty(pageToken) && (after = PageToken.Decode(pageToken)) is null)
        {
            errors.Add("pageToken", "is not a token this list returned");
        }

        errors.ThrowIfAny();
        return new PageRequest(pageSize == 0 ? PageRequest.DefaultSize : pageSize, after);
    }

    public static QualificationQuery Evaluation(EvaluateQualificationRequest request, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        var carrierId = Id(errors, "carrierId", request.CarrierId);
        var vehicle = PlateOf(errors, "vehiclePlate", request.VehiclePlate, out var vehicleKind);
        if (vehicleKind == PlateKind.Trailer)
        {
            errors.Add("vehiclePlate", $"{vehicle} is a trailer plate; give the towing vehicle here and the trailer in trailerPlate");
        }

        var trailer = "";
        if (!string.IsNullOrWhiteSpace(request.TrailerPlate))
        {
            trailer = PlateOf(errors, "trailerPlate", request.TrailerPlate, out var trailerKind);
            if (trailerKind is { } kind && kind != PlateKind.Trailer)
            {
                errors.Add("trailerPlate", $"{trailer} is not a trailer plate (trailers end in 挂)");
            }
        }

        var driver = Id(errors, "driverId", request.DriverId);
        var escort = Id(errors, "escortId", request.EscortId);
        var tank = string.IsNullOrWhiteSpace(request.TankNumber) ? "" : TankNumber(errors, "tankNumber", request.TankNumber);
        if (request.Goods.Count == 0)
        {
            errors.Add("goods", "must list at least one goods line { unNumber, class, quantityKg }");
        }

        var goods = new List<GoodsLine>(request.Goods.Count);
        for (var i = 0; i < request.Goods.Count; i++)
        {
            var line = request.Goods[i];
            var un = (line.UnNumber ?? "").Trim();
            if (!UnNumber.IsValid(un))
            {
                errors.Add($"goods[{i}].unNumber", UnNumber.Rule);
            }

            if (!HazardClass.TryParseGoodsClass(line.HazardClass, out var hazardClass))
            {
                errors.Add($"goods[{i}].class", HazardClass.ScopeValueRule + " (explosives may add the compatibility group, e.g. 1.1D)");
            }

            if (!double.IsFinite(line.QuantityKg) || line.QuantityKg < 0)
            {
                errors.Add($"goods[{i}].quantityKg", "must be a number of kg, not negative");
            }

            goods.Add(new GoodsLine(un, hazardClass, line.QuantityKg));
        }

        var date = OptionalDate(errors, "date", request.Date) ?? today;
        errors.ThrowIfAny();
        return new QualificationQuery(carrierId, vehicle, trailer, driver, escort, tank, goods, date);
    }

    private static Domain.Permit PermitOf(FieldErrors errors, Proto.Permit? permit)
    {
        if (permit is null)
        {
            errors.Add("permit", "is required: { number, validFrom, validUntil, scope }");
            return new Domain.Permit("", default, default, [], []);
        }

        var number = Text(errors, "permit.number", permit.Number, NumberLength);
        var from = Date(errors, "permit.validFrom", permit.ValidFrom);
        var until = Date(errors, "permit.validUntil", permit.ValidUntil);
        if (from != default && until != default && until < from)
        {
            errors.Add("permit.validUntil", $"must not be before permit.validFrom {IsoDate.Format(from)}");
        }

        var scope = Scope(errors, "permit.scope", permit.Scope);
        var highHazard = new List<string>();
        for (var i = 0; i < permit.HighHazardScope.Count; i++)
        {
            var un = (permit.HighHazardScope[i] ?? "").Trim();
            if (!UnNumber.IsValid(un))
            {
                errors.Add($"permit.highHazardScope[{i}]", UnNumber.Rule);
            }
            else if (highHazard.Contains(un, StringComparer.Ordinal))
            {
                errors.Add($"permit.highHazardScope[{i}]", $"UN{un} is listed twice");
            }
            else
            {
                highHazard.Add(un);
            }
        }

        return new Domain.Permit(number, from, until, scope, highHazard);
    }

    private static List<string> Scope(FieldErrors errors, string field, RepeatedField<string> values)
    {
        if (values.Count == 0)
        {
            errors.Add(field, "must name at least one class or division, e.g. [\"2.1\", \"3\", \"8\"]");
        }

        var scope = new List<string>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            var value = (values[i] ?? "").Trim();
            if (!HazardClass.ScopeValues.Contains(value))
            {
                errors.Add($"{field}[{i}]", HazardClass.ScopeValueRule);
            }
            else if (scope.Contains(value, StringComparer.Ordinal))
            {
                errors.Add($"{field}[{i}]", $"{value} is listed twice");
            }
            else
            {
                scope.Add(value);
            }
        }

        return scope;
    }

    private static string CreditCodeOf(FieldErrors errors, string field, string value)
    {
        var code = CreditCode.Normalize(value);
        if (code.Length == 0)
        {
            errors.Add(field, "is required");
        }
        else if (CreditCode.Validate(code) is { } problem)
        {
            errors.Add(field, problem);
        }

        return code;
    }

    private static string PlateOf(FieldErrors errors, string field, string value, out PlateKind? kind)
    {
        var plate = Plates.Normalize(value);
        kind = plate.Length == 0 ? null : Plates.Classify(plate);
        if (plate.Length == 0)
        {
            errors.Add(field, "is required");
        }
        else if (kind is null)
        {
            errors.Add(field, Plates.Rule);
        }

        return plate;
    }

    private static bool IsTrailerKind(VehicleKind kind) => kind is VehicleKind.TankTrailer or VehicleKind.VanTrailer or VehicleKind.FlatbedTrailer;

    private static string Text(FieldErrors errors, string field, string? value, int maxLength)
    {
        var text = (value ?? "").Trim();
        if (text.Length == 0)
        {
            errors.Add(field, "is required");
        }
        else if (text.Length > maxLength)
        {
            errors.Add(field, $"must be at most {maxLength} characters");
        }
        else if (text.Any(char.IsControl))
        {
            errors.Add(field, "must not contain control characters");
        }

        return text;
    }

    private static DateOnly Date(FieldErrors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "is required: " + IsoDate.Rule);
            return default;
        }

        if (!IsoDate.TryParse(value.Trim(), out var date))
        {
            errors.Add(field, $"{IsoDate.Rule}, got '{value}'");
            return default;
        }

        return date;
    }

    private static DateOnly? OptionalDate(FieldErrors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!IsoDate.TryParse(value.Trim(), out var date))
        {
            errors.Add(field, $"{IsoDate.Rule}, got '{value}'");
            return null;
        }

        return date;
    }

    private static double Positive(FieldErrors errors, string field, double value, double max, string unit)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            errors.Add(field, $"must be a positive number of {unit}");
        }
        else if (value > max)
        {
            errors.Add(field, $"must be at most {max.ToString(CultureInfo.InvariantCulture)} {unit}");
        }

        return value;
    }

    [GeneratedRegex("^[A-Z0-9][A-Z0-9-]{0,31}$")]
    private static partial Regex TankNumberShape();

    [GeneratedRegex("^\\+?[0-9][0-9 -]{3,18}[0-9]$")]
    private static partial Regex PhoneNumber();
}
