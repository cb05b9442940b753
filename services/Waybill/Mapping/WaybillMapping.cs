using Google.Protobuf.WellKnownTypes;
using HazChem.Transport.Contracts.Common.V1;
using HazChem.Transport.Contracts.Waybill.V1;
using HazChem.Transport.Waybill.Domain;
using DomainCrs = HazChem.Transport.Waybill.Domain.CoordinateSystem;
using Route = HazChem.Transport.Contracts.Waybill.V1.Route;

namespace HazChem.Transport.Waybill.Mapping;

/// <summary>Between the v1 contract (proto) and the domain: requests in, records and events out.</summary>
internal static class WaybillMapping
{
    public static WaybillInput ToInput(IssueWaybillRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new WaybillInput(
            Party(r.Consignor), Party(r.Consignee), Party(r.LoadingUnit), Goods(r.Goods), r.VehiclePlate, r.TrailerPlate, r.TankNumber,
            r.DriverId, r.EscortId, Place(r.Origin), Place(r.Destination), Route(r.Route), Window(r.Window), r.EmergencyPhone, r.RoadPassNumber);
    }

    public static WaybillInput ToInput(AmendWaybillRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new WaybillInput(
            Party(r.Consignor), Party(r.Consignee), Party(r.LoadingUnit), Goods(r.Goods), r.VehiclePlate, r.TrailerPlate, r.TankNumber,
            r.DriverId, r.EscortId, Place(r.Origin), Place(r.Destination), Route(r.Route), Window(r.Window), r.EmergencyPhone, r.RoadPassNumber);
    }

    public static IReadOnlyList<(string? UnNumber, double QuantityKg)> ToLoaded(IEnumerable<LoadedLine> lines) =>
        [.. lines.Select(l => ((string?)l.UnNumber, l.QuantityKg))];

    /// <summary>Null for unspecified (any status); throws for a value this contract does not define.</summary>
    public static LifecycleStatus? ToDomain(WaybillStatus status) => status switch
    {
        WaybillStatus.Unspecified => null,
        WaybillStatus.Issued => LifecycleStatus.Issued,
        WaybillStatus.Loaded => LifecycleStatus.Loaded,
        WaybillStatus.InTransit => LifecycleStatus.InTransit,
        WaybillStatus.Delivered => LifecycleStatus.Delivered,
        WaybillStatus.Cancelled => LifecycleStatus.Cancelled,
        WaybillStatus.Expired => LifecycleStatus.Expired,
        _ => throw new ServiceDefaults.Errors.InvalidInputException("status", $"unknown status {(int)status}; use ISSUED, LOADED, IN_TRANSIT, DELIVERED, CANCELLED or EXPIRED"),
    };

    public static WaybillStatus ToProto(LifecycleStatus status) => status switch
    {
        LifecycleStatus.Issued => WaybillStatus.Issued,
        LifecycleStatus.Loaded => WaybillStatus.Loaded,
        LifecycleStatus.InTransit => WaybillStatus.InTransit,
        LifecycleStatus.Delivered => WaybillStatus.Delivered,
        LifecycleStatus.Cancelled => WaybillStatus.Cancelled,
        LifecycleStatus.Expired => WaybillStatus.Expired,
        _ => WaybillStatus.Unspecified,
    };

    public static WaybillEvent.Types.EventType ToProto(ChangeKind change) => change switch
    {
        ChangeKind.Issued => WaybillEvent.Types.EventType.Issued,
        ChangeKind.Amended => WaybillEvent.Types.EventType.Amended,
        ChangeKind.Loaded => WaybillEvent.Types.EventType.Loaded,
        ChangeKind.Departed => WaybillEvent.Types.EventType.InTransit,
        ChangeKind.Delivered => WaybillEvent.Types.EventType.Delivered,
        ChangeKind.Cancelled => WaybillEvent.Types.EventType.Cancelled,
        ChangeKind.Expired => WaybillEvent.Types.EventType.Expired,
        _ => WaybillEvent.Types.EventType.Unspecified,
    };

    public static TimeWindow ToProto(TravelWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        return new TimeWindow { Start = Timestamp.FromDateTimeOffset(window.Start), End = Timestamp.FromDateTimeOffset(window.End) };
    }

    public static GeoPoint ToProto(WaybillPlace place)
    {
        ArgumentNullException.ThrowIfNull(place);
        return new GeoPoint { Name = place.Name, Lon = place.Position.Lon, Lat = place.Position.Lat };
    }

    public static WaybillRecord ToProto(WaybillView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var s = view.Snapshot;
        var c = s.Content;
        var record = new WaybillRecord
        {
            Id = s.Id,
            Version = s.Version,
            Status = ToProto(s.Status),
            CarrierId = s.CarrierId,
            CarrierPermitNumber = s.CarrierPermitNumber,
            Consignor = ToProto(c.Consignor),
            Consignee = ToProto(c.Consignee),
            LoadingUnit = ToProto(c.LoadingUnit),
            VehiclePlate = c.VehiclePlate,
            TrailerPlate = c.TrailerPlate,
            TankNumber = c.TankNumber,
            DriverId = c.DriverId,
            EscortId = c.EscortId,
            DriverCertNumber = s.DriverCertNumber,
            EscortCertNumber = s.EscortCertNumber,
            Origin = ToProto(c.Origin),
            Destination = ToProto(c.Destination),
            Route = new Route { Crs = Crs.Wgs84, CorridorMeters = c.Route.CorridorMeters },
            Window = ToProto(c.Window),
            EmergencyPhone = c.EmergencyPhone,
            RoadPassNumber = c.RoadPassNumber,
            LoadingCheckId = s.LoadingCheckId,
            CancelReason = s.CancelReason,
            CreatedAt = Timestamp.FromDateTimeOffset(s.CreatedAt),
            UpdatedAt = Timestamp.FromDateTimeOffset(s.UpdatedAt),
        };
        record.Goods.AddRange(c.Goods.Select(g => new GoodsLine
        {
            UnNumber = g.UnNumber,
            Name = g.Name,
            HazardClass = g.HazardClass,
            PackingGroup = g.PackingGroup,
            QuantityKg = g.QuantityKg,
        }));
        record.Route.Coordinates.AddRange(c.Route.Points.Select(p => new ListValue { Values = { Value.ForNumber(p.Lon), Value.ForNumber(p.Lat) } }));
        record.Loaded.AddRange(s.Loaded.Select(l => new LoadedLine { UnNumber = l.UnNumber, QuantityKg = l.QuantityKg }));
        record.History.AddRange(view.History.Select(h => new WaybillHistoryEntry
        {
            Type = ToProto(h.Change),
            Version = h.Version,
            Status = ToProto(h.Status),
            At = Timestamp.FromDateTimeOffset(h.At),
            Actor = h.Actor,
            Reason = h.Reason,
        }));
        return record;
    }

    private static Party ToProto(WaybillParty party) => new() { Name = party.Name, Phone = party.Phone };

    private static PartyInput? Party(Party? party) => party is null ? null : new PartyInput(party.Name, party.Phone);

    private static List<GoodsInput> Goods(IEnumerable<GoodsLine> lines) =>
        [.. lines.Select(g => new GoodsInput(g.UnNumber, g.Name, g.HazardClass, g.PackingGroup, g.QuantityKg))];

    private static PlaceInput? Place(GeoPoint? point) => point is null ? null : new PlaceInput(point.Name, point.Lon, point.Lat);

    private static WindowInput? Window(TimeWindow? window) => window is null
        ? null
        : new WindowInput(window.Start?.ToDateTimeOffset(), window.End?.ToDateTimeOffset());

    private static RouteInput? Route(Route? route)
    {
        if (route is null)
        {
            return null;
        }

        DomainCrs? crs = route.Crs switch
        {
            Crs.Unspecified or Crs.Wgs84 => DomainCrs.Wgs84,
            Crs.Gcj02 => DomainCrs.Gcj02,
            _ => null,
        };
        var points = route.Coordinates
            .Select(list => list.Values.Count == 2 && list.Values.All(v => v.KindCase == Value.KindOneofCase.NumberValue)
                ? new[] { list.Values[0].NumberValue, list.Values[1].NumberValue }
                : null)
            .ToList();
        return new RouteInput(crs, points, route.CorridorMeters);
    }
}
