using Google.Protobuf.WellKnownTypes;
using HazChem.Transport.Contracts.Common.V1;
using HazChem.Transport.Contracts.LoadingCheck.V1;
using HazChem.Transport.LoadingCheck.Domain;
using ProtoCategory = HazChem.Transport.Contracts.LoadingCheck.V1.CheckCategory;
using CheckCategory = HazChem.Transport.LoadingCheck.Domain.CheckCategory;

namespace HazChem.Transport.LoadingCheck.Mapping;

/// <summary>Between the v1 contract (proto) and the domain.</summary>
internal static class LoadingCheckMapping
{
    public static CheckInput ToInput(CreateLoadingCheckRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new CheckInput(r.TerminalId, r.WaybillId, r.Plate, r.DriverId, r.EscortId, r.TankNumber);
    }

    public static IReadOnlyList<(string? UnNumber, double QuantityKg)> ToLoaded(IEnumerable<LoadedLine> lines) =>
        [.. lines.Select(l => ((string?)l.UnNumber, l.QuantityKg))];

    public static LoadingCheckRecord ToProto(CheckRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var proto = new LoadingCheckRecord
        {
            Id = record.Id,
            TerminalId = record.Input.TerminalId,
            WaybillId = record.Input.WaybillId,
            WaybillVersion = record.WaybillVersion,
            CarrierId = record.CarrierId,
            Plate = record.Input.Plate,
            DriverId = record.Input.DriverId,
            EscortId = record.Input.EscortId,
            TankNumber = record.Input.TankNumber,
            CheckedAt = Timestamp.FromDateTimeOffset(record.CheckedAt),
            CheckedBy = record.CheckedBy,
            Verdict = ToProto(record.Verdict),
        };
        proto.Items.AddRange(record.Items.Select(ToProto));
        if (record.Confirmation is { } c)
        {
            proto.Confirmation = new Confirmation { ConfirmedAt = Timestamp.FromDateTimeOffset(c.ConfirmedAt), ConfirmedBy = c.ConfirmedBy };
            proto.Confirmation.Loaded.AddRange(c.Loaded.Select(l => new LoadedLine { UnNumber = l.UnNumber, QuantityKg = l.QuantityKg }));
        }

        return proto;
    }

    private static CheckItem ToProto(CheckItemResult item)
    {
        var proto = new CheckItem { Category = ToProto(item.Category), Code = item.Code, Passed = item.Passed, Message = item.Message };
        proto.Findings.AddRange(item.Findings.Select(f => new RuleFinding { Code = f.Code, Subject = f.Subject, Message = f.Message, Blocking = f.Blocking }));
        return proto;
    }

    private static ProtoCategory ToProto(CheckCategory category) => category switch
    {
        CheckCategory.Vehicle => ProtoCategory.Vehicle,
        CheckCategory.Personnel => ProtoCategory.Personnel,
        CheckCategory.Tank => ProtoCategory.Tank,
        CheckCategory.Documents => ProtoCategory.Documents,
        CheckCategory.Gps => ProtoCategory.Gps,
        _ => ProtoCategory.Unspecified,
    };

    private static Verdict ToProto(CheckVerdict verdict) => verdict switch
    {
        CheckVerdict.Pass => Verdict.Pass,
        CheckVerdict.Refuse => Verdict.Refuse,
        CheckVerdict.Unavailable => Verdict.Unavailable,
        _ => Verdict.Unspecified,
    };
}
