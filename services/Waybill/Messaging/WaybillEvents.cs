using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using HazChem.Transport.Contracts.Common.V1;
using HazChem.Transport.Contracts.Waybill.V1;
using HazChem.Transport.Waybill.Domain;
using HazChem.Transport.Waybill.Mapping;
using HazChem.Transport.Waybill.Storage;

namespace HazChem.Transport.Waybill.Messaging;

/// <summary>Builds the Kafka payload of a change (topic <c>hazchem.waybill-events.v1</c>, key = waybill id).</summary>
internal static class WaybillEvents
{
    /// <summary>Deterministic event id: the same change always has the same id, so redelivery is idempotent.</summary>
    public static string EventId(string waybillId, int version) => $"{waybillId}:{version}";

    /// <summary>The event for the change that produced <paramref name="snapshot"/>.</summary>
    public static WaybillEvent Create(WaybillSnapshot snapshot, HistoryEntry change, IReadOnlySet<string> highHazardUnNumbers)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(highHazardUnNumbers);
        var content = snapshot.Content;
        var e = new WaybillEvent
        {
            EventId = EventId(snapshot.Id, snapshot.Version),
            WaybillId = snapshot.Id,
            Version = snapshot.Version,
            Type = WaybillMapping.ToProto(change.Change),
            OccurredAt = Timestamp.FromDateTimeOffset(change.At),
            Actor = change.Actor,
            Reason = change.Reason,
            Status = WaybillMapping.ToProto(snapshot.Status),
            CarrierId = snapshot.CarrierId,
            VehiclePlate = content.VehiclePlate,
            TrailerPlate = content.TrailerPlate,
            TankNumber = content.TankNumber,
            DriverId = content.DriverId,
            EscortId = content.EscortId,
            CorridorMeters = content.Route.CorridorMeters,
            Window = WaybillMapping.ToProto(content.Window),
            HighHazard = content.Goods.Any(g => highHazardUnNumbers.Contains(g.UnNumber)),
            Origin = WaybillMapping.ToProto(content.Origin),
            Destination = WaybillMapping.ToProto(content.Destination),
        };
        e.Route.AddRange(content.Route.Points.Select(p => new LonLat { Lon = p.Lon, Lat = p.Lat }));
        e.GoodsClasses.AddRange(content.GoodsClasses);
        e.UnNumbers.AddRange(content.UnNumbers);
        return e;
    }

    /// <summary>The outbox row carrying the event, written in the same transaction as the change.</summary>
    public static OutboxRow ToOutbox(WaybillEvent e, DateTimeOffset now, string? traceParent)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new OutboxRow
        {
            EventId = e.EventId,
            Key = e.WaybillId,
            Payload = e.ToByteArray(),
            TraceParent = traceParent,
            CreatedAt = now,
        };
    }
}
