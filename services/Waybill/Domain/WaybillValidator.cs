using System.Text.RegularExpressions;
using HazChem.Transport.ServiceDefaults.Errors;

namespace HazChem.Transport.Waybill.Domain;

/// <summary>Limits the validator applies; from <c>WaybillOptions</c>.</summary>
internal sealed record ValidationLimits(double DefaultCorridorMeters, double MaxCorridorMeters)
{
    public const int MaxGoodsLines = 50;
    public const int MaxRoutePoints = 10_000;
    public const int MaxTextLength = 200;
}

/// <summary>
/// W-REQUIRED and W-UN-KNOWN: turns raw input into <see cref="WaybillContent"/> or reports every bad field at once
/// as JSON paths (<c>goods[0].unNumber</c>, <c>emergencyPhone</c>). Converts GCJ-02 coordinates to WGS-84.
/// Pure: the clock reading is a parameter.
/// </summary>
internal static partial class WaybillValidator
{
    /// <summary>Validates <paramref name="input"/>; throws <see cref="InvalidInputException"/> listing every violation.</summary>
    /// <param name="input">The content as received.</param>
    /// <param name="goodsList">The dangerous-goods list (W-UN-KNOWN).</param>
    /// <param name="limits">Corridor default and maximum.</param>
    /// <param name="now">The clock reading (a window that has already ended is refused).</param>
    /// <param name="otherViolations">Violations the caller found in the rest of the request, reported together with these.</param>
    public static WaybillContent Validate(WaybillInput input, DangerousGoodsList goodsList, ValidationLimits limits, DateTimeOffset now, IEnumerable<FieldViolation>? otherViolations = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(goodsList);
        ArgumentNullException.ThrowIfNull(limits);
        var violations = new List<FieldViolation>(otherViolations ?? []);
        var crs = ValidateCrs(input.Route, violations);

        var consignor = ValidateParty(input.Consignor, "consignor", violations);
        var consignee = ValidateParty(input.Consignee, "consignee", violations);
        var loadingUnit = ValidateParty(input.LoadingUnit, "loadingUnit", violations);
        var goods = ValidateGoods(input.Goods, goodsList, violations);
        var vehiclePlate = Text(input.VehiclePlate);
        if (vehiclePlate.Length == 0)
        {
            Add(violations, "vehiclePlate", RuleCodes.Required, "the vehicle plate is required");
        }
        else if (!VehiclePlatePattern().IsMatch(vehiclePlate))
        {
            Add(violations, "vehiclePlate", RuleCodes.Required, $"'{vehiclePlate}' is not a vehicle plate (province character, letter, 5 characters; new-energy 6), e.g. 渝A12345");
        }

        var trailerPlate = Text(input.TrailerPlate);
        if (trailerPlate.Length > 0 && !TrailerPlatePattern().IsMatch(trailerPlate))
        {
            Add(violations, "trailerPlate", RuleCodes.Required, $"'{trailerPlate}' is not a trailer plate (province character, letter, 4 characters, 挂), e.g. 渝A1234挂; leave empty when there is no trailer");
        }

        var tankNumber = Text(input.TankNumber);
        if (tankNumber.Length > 64 || tankNumber.Any(char.IsWhiteSpace))
        {
            Add(violations, "tankNumber", RuleCodes.Required, "the tank number must be at most 64 characters without spaces");
        }

        var driverId = RequiredId(input.DriverId, "driverId", "the driver", violations);
        var escortId = RequiredId(input.EscortId, "escortId", "the escort", violations);
        var origin = ValidatePlace(input.Origin, "origin", crs, violations);
        var destination = ValidatePlace(input.Destination, "destination", crs, violations);
        var route = ValidateRoute(input.Route, crs, limits, violations);
        var window = ValidateWindow(input.Window, now, violations);
        var emergencyPhone = Text(input.EmergencyPhone);
        if (emergencyPhone.Length == 0)
        {
            Add(violations, "emergencyPhone", RuleCodes.Required, "the emergency phone is required");
        }
        else if (!PhonePattern().IsMatch(emergencyPhone))
        {
            Add(violations, "emergencyPhone", RuleCodes.Required, $"'{emergencyPhone}' is not a phone number (digits, optionally +, spaces, - and parentheses; 5 to 20 characters)");
        }

        var roadPass = Text(input.RoadPassNumber);
        if (roadPass.Length > 64)
        {
            Add(violations, "roadPassNumber", RuleCodes.Required, "the road pass number must be at most 64 characters");
        }

        if (violations.Count > 0)
        {
            throw new InvalidInputException(violations);
        }

        return new WaybillContent(
            consignor!, consignee!, loadingUnit!, goods, vehiclePlate, trailerPlate, tankNumber, driverId, escortId,
            origin!, destination!, route!, window!, emergencyPhone, roadPass);
    }

    /// <summary>Validates the loaded lines of MarkWaybillLoaded.</summary>
    public static IReadOnlyList<LoadedQuantity> ValidateLoaded(IReadOnlyList<(string? UnNumber, double QuantityKg)> loaded, List<FieldViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(violations);
        if (loaded.Count == 0)
        {
            Add(violations, "loaded", RuleCodes.Required, "at least one loaded line is required");
        }

        var result = new List<LoadedQuantity>();
        for (var i = 0; i < loaded.Count; i++)
        {
            var un = Text(loaded[i].UnNumber);
            if (!UnNumbers.IsWellFormed(un))
            {
                Add(violations, $"loaded[{i}].unNumber", RuleCodes.Required, "must be a four-digit UN number, e.g. 1203");
            }

            if (!double.IsFinite(loaded[i].QuantityKg) || loaded[i].QuantityKg <= 0)
            {
                Add(violations, $"loaded[{i}].quantityKg", RuleCodes.Required, "must be a positive mass in kg");
            }

            result.Add(new LoadedQuantity(un, loaded[i].QuantityKg));
        }

        return result;
    }

    /// <summary>A required free-text field (reason, id).</summary>
    public static string RequiredText(string? value, string field, string what, List<FieldViolation> violations, int maxLength = 500)
    {
        ArgumentNullException.ThrowIfNull(violations);
        var text = Text(value);
        if (text.Length == 0)
        {
            Add(violations, field, RuleCodes.Required, $"{what} is required");
        }
        else if (text.Length > maxLength)
        {
            Add(violations, field, RuleCodes.Required, $"{what} must be at most {maxLength} characters");
        }

        return text;
    }

    private static CoordinateSystem ValidateCrs(RouteInput? route, List<FieldViolation> violations)
    {
        if (route is { Crs: null })
        {
            Add(violations, "route.crs", RuleCodes.Required, "must be WGS84 or GCJ02");
        }

        return route?.Crs ?? CoordinateSystem.Wgs84;
    }

    private static WaybillParty? ValidateParty(PartyInput? party, string field, List<FieldViolation> violations)
    {
        if (party is null)
        {
            Add(violations, field, RuleCodes.Required, $"{field} (name and phone) is required");
            return null;
        }

        var name = Text(party.Name);
        var phone = Text(party.Phone);
        if (name.Length == 0)
        {
            Add(violations, field + ".name", RuleCodes.Required, "the name is required");
        }
        else if (name.Length > ValidationLimits.MaxTextLength)
        {
            Add(violations, field + ".name", RuleCodes.Required, $"the name must be at most {ValidationLimits.MaxTextLength} characters");
        }

        if (phone.Length == 0)
        {
            Add(violations, field + ".phone", RuleCodes.Required, "the phone is required");
        }
        else if (!PhonePattern().IsMatch(phone))
        {
            Add(violations, field + ".phone", RuleCodes.Required, $"'{phone}' is not a phone number");
        }

        return new WaybillParty(name, phone);
    }

    private static List<WaybillGoods> ValidateGoods(IReadOnlyList<GoodsInput> goods, DangerousGoodsList goodsList, List<FieldViolation> violations)
    {
        var result = new List<WaybillGoods>();
        if (goods.Count == 0)
        {
            Add(violations, "goods", RuleCodes.Required, "at least one goods line is required");
            return result;
        }

        if (goods.Count > ValidationLimits.MaxGoodsLines)
        {
            Add(violations, "goods", RuleCodes.Required, $"at most {ValidationLimits.MaxGoodsLines} goods lines");
        }

        for (var i = 0; i < goods.Count; i++)
        {
            var line = goods[i];
            var path = $"goods[{i}]";
            var un = Text(line.UnNumber);
            if (un.Length == 0)
            {
                Add(violations, path + ".unNumber", RuleCodes.Required, "the UN number is required");
            }
            else if (!UnNumbers.IsWellFormed(un))
            {
                Add(violations, path + ".unNumber", RuleCodes.Required, $"'{un}' is not a four-digit UN number, e.g. 1203");
            }
            else if (!goodsList.Contains(un))
            {
                Add(violations, path + ".unNumber", RuleCodes.UnKnown, $"UN{un} is not on the dangerous-goods list ({goodsList.Source})");
            }

            var name = Text(line.Name);
            if (name.Length == 0)
            {
                Add(violations, path + ".name", RuleCodes.Required, "the proper shipping name is required");
            }
            else if (name.Length > ValidationLimits.MaxTextLength)
            {
                Add(violations, path + ".name", RuleCodes.Required, $"the proper shipping name must be at most {ValidationLimits.MaxTextLength} characters");
            }

            var hazardClass = Text(line.HazardClass);
            if (hazardClass.Length == 0)
            {
                Add(violations, path + ".class", RuleCodes.Required, "the hazard class/division is required");
            }
            else if (!HazardClasses.IsWellFormed(hazardClass))
            {
                Add(violations, path + ".class", RuleCodes.Required, $"'{hazardClass}' is not a hazard class or division (e.g. 3, 2.1, 1.1D)");
            }

            var packingGroup = Text(line.PackingGroup);
            var normalisedGroup = packingGroup.Length == 0 ? null : HazardClasses.NormalisePackingGroup(packingGroup);
            if (packingGroup.Length == 0)
            {
                Add(violations, path + ".packingGroup", RuleCodes.Required, "the packing group is required (I, II, III, or - where none applies)");
            }
            else if (normalisedGroup is null)
            {
                Add(violations, path + ".packingGroup", RuleCodes.Required, $"'{packingGroup}' is not I, II, III or -");
            }

            if (!double.IsFinite(line.QuantityKg) || line.QuantityKg <= 0)
            {
                Add(violations, path + ".quantityKg", RuleCodes.Required, "the quantity must be a positive mass in kg");
            }

            result.Add(new WaybillGoods(un, name, HazardClasses.Normalise(hazardClass), normalisedGroup ?? packingGroup, line.QuantityKg));
        }

        return result;
    }

    private static string RequiredId(string? value, string field, string who, List<FieldViolation> violations)
    {
        var id = Text(value);
        if (id.Length == 0)
        {
            Add(violations, field, RuleCodes.Required, $"{who} is required (registered person id)");
        }
        else if (id.Length > 64)
        {
            Add(violations, field, RuleCodes.Required, "must be at most 64 characters");
        }

        return id;
    }

    private static WaybillPlace? ValidatePlace(PlaceInput? place, string field, CoordinateSystem crs, List<FieldViolation> violations)
    {
        if (place is null)
        {
            Add(violations, field, RuleCodes.Required, $"{field} (name, lon, lat) is required");
            return null;
        }

        var name = Text(place.Name);
        if (name.Length == 0)
        {
            Add(violations, field + ".name", RuleCodes.Required, "the place name is required");
        }

        var position = ValidateCoordinate(place.Lon, place.Lat, field, crs, violations);
        return new WaybillPlace(name, position);
    }

    private static Coordinate ValidateCoordinate(double lon, double lat, string path, CoordinateSystem crs, List<FieldViolation> violations)
    {
        var ok = true;
        if (!double.IsFinite(lon) || lon is < -180 or > 180)
        {
            Add(violations, path + ".lon", RuleCodes.Required, $"longitude {lon} is outside -180..180");
            ok = false;
        }

        if (!double.IsFinite(lat) || lat is < -90 or > 90)
        {
            Add(violations, path + ".lat", RuleCodes.Required, $"latitude {lat} is outside -90..90");
            ok = false;
        }

        if (ok && lon == 0 && lat == 0)
        {
            Add(violations, path, RuleCodes.Required, "0/0 is not a real position (coordinates missing?)");
            ok = false;
        }

        var point = new Coordinate(lon, lat);
        return ok && crs == CoordinateSystem.Gcj02 ? Gcj02.ToWgs84(point) : point;
    }

    private static RoutePlan? ValidateRoute(RouteInput? route, CoordinateSystem crs, ValidationLimits limits, List<FieldViolation> violations)
    {
        if (route is null)
        {
            Add(violations, "route", RuleCodes.Required, "the planned route (crs, coordinates, corridorMeters) is required");
            return null;
        }

        if (route.Coordinates.Count < 2)
        {
            Add(violations, "route.coordinates", RuleCodes.Required, "the route needs at least two [lon, lat] points");
        }
        else if (route.Coordinates.Count > ValidationLimits.MaxRoutePoints)
        {
            Add(violations, "route.coordinates", RuleCodes.Required, $"the route may have at most {ValidationLimits.MaxRoutePoints} points");
        }

        var points = new List<Coordinate>();
        for (var i = 0; i < route.Coordinates.Count; i++)
        {
            var path = $"route.coordinates[{i}]";
            if (route.Coordinates[i] is not { Length: 2 } pair)
            {
                Add(violations, path, RuleCodes.Required, "must be a [lon, lat] pair of numbers");
                continue;
            }

            var before = violations.Count;
            var point = ValidateCoordinate(pair[0], pair[1], path, crs, violations);
            if (violations.Count == before)
            {
                points.Add(point);
            }
        }

        var corridor = route.CorridorMeters;
        if (!double.IsFinite(corridor) || corridor < 0)
        {
            Add(violations, "route.corridorMeters", RuleCodes.Required, "the corridor half-width must be a non-negative number of metres (0 = default)");
        }
        else if (corridor > limits.MaxCorridorMeters)
        {
            Add(violations, "route.corridorMeters", RuleCodes.Required, $"the corridor half-width may be at most {limits.MaxCorridorMeters} m");
        }

        return new RoutePlan(points, corridor > 0 ? corridor : limits.DefaultCorridorMeters);
    }

    private static TravelWindow? ValidateWindow(WindowInput? window, DateTimeOffset now, List<FieldViolation> violations)
    {
        if (window is null)
        {
            Add(violations, "window", RuleCodes.Required, "the travel window (start, end) is required");
            return null;
        }

        if (window.Start is null)
        {
            Add(violations, "window.start", RuleCodes.Required, "the window start is required (RFC 3339)");
        }

        if (window.End is null)
        {
            Add(violations, "window.end", RuleCodes.Required, "the window end is required (RFC 3339)");
        }

        if (window is { Start: { } start, End: { } end })
        {
            if (end <= start)
            {
                Add(violations, "window.end", RuleCodes.Required, "the window must end after it starts");
            }
            else if (end <= now)
            {
                Add(violations, "window.end", RuleCodes.Required, "the window has already ended");
            }

            return new TravelWindow(start, end);
        }

        return null;
    }

    private static string Text(string? value) => value?.Trim() ?? "";

    private static void Add(List<FieldViolation> violations, string field, string code, string description) =>
        violations.Add(new FieldViolation(field, $"{code}: {description}"));

    [GeneratedRegex(@"^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][A-Z0-9]{5,6}$", RegexOptions.CultureInvariant)]
    private static partial Regex VehiclePlatePattern();

    [GeneratedRegex(@"^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][A-Z0-9]{4}挂$", RegexOptions.CultureInvariant)]
    private static partial Regex TrailerPlatePattern();

    [GeneratedRegex(@"^\+?[0-9][0-9 ()\-]{3,18}[0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();
}
