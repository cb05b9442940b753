using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace HazChem.Transport.Telemetry.Jt808;

/// <summary>Decodes 0x0200 location reports and 0x0704 batch uploads into <see cref="Jt808Position"/>s.</summary>
internal static class Jt808LocationDecoder
{
    /// <summary>Length of the basic information that precedes the additional items.</summary>
    public const int BasicInfoLength = 28;

    private const int TimeOffset = 22;
    private const double CoordinateScale = 1_000_000d;

    /// <summary>
    /// Decodes a 0x0200 body: 28 bytes of basic information, then <c>id | len | value</c> items to the end of
    /// the body. Offsets in error reasons are relative to <paramref name="body"/>.
    /// </summary>
    public static bool TryDecode(
        ReadOnlySpan<byte> body,
        Jt808TerminalProfile profile,
        [NotNullWhen(true)] out Jt808Position? position,
        [NotNullWhen(false)] out Jt808Error? error)
    {
        ArgumentNullException.ThrowIfNull(profile);
        position = null;
        if (body.Length < BasicInfoLength)
        {
            error = new Jt808Error(
                Jt808ErrorKind.TruncatedBody,
                FormattableString.Invariant($"location basic information needs {BasicInfoLength} bytes, body has {body.Length}"),
                body.Length);
            return false;
        }

        if (!Jt808Bcd.TryReadTime(body.Slice(TimeOffset, Jt808Bcd.TimeLength), TimeOffset, profile.ClockUtcOffset, out var fixTime, out error))
        {
            return false;
        }

        var itemBytes = body[BasicInfoLength..];
        var itemsError = ScanItems(itemBytes, out var itemCount, out var wellFormedLength);
        if (itemsError is not null && !profile.TolerateBrokenAdditionalItems)
        {
            error = itemsError;
            return false;
        }

        var items = new StandardItems();
        var parsedItems = itemCount == 0
            ? []
            : ParseItems(itemBytes[..wellFormedLength].ToArray(), itemCount, ref items);
        var status = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
        position = new Jt808Position
        {
            FixTimeUtc = fixTime,
            AlarmFlags = BinaryPrimitives.ReadUInt32BigEndian(body),
            StatusFlags = status,
            Latitude = ToDegrees(BinaryPrimitives.ReadUInt32BigEndian(body[8..]), (status & (uint)Jt808StatusBits.SouthLatitude) != 0),
            Longitude = ToDegrees(BinaryPrimitives.ReadUInt32BigEndian(body[12..]), (status & (uint)Jt808StatusBits.WestLongitude) != 0),
            AltitudeM = BinaryPrimitives.ReadInt16BigEndian(body[16..]),
            SpeedKmh = BinaryPrimitives.ReadUInt16BigEndian(body[18..]) / 10d,
            HeadingDeg = BinaryPrimitives.ReadUInt16BigEndian(body[20..]),
            AdditionalItems = parsedItems,
            AdditionalItemsError = itemsError,
            MileageKm = items.Mileage,
            FuelLitres = items.Fuel,
            RecorderSpeedKmh = items.RecorderSpeed,
            AlarmEventId = items.EventId,
            CompartmentTemperatureC = items.Temperature,
            Overspeed = items.Overspeed,
            AreaRoute = items.AreaRoute,
            RouteSectionTime = items.SectionTime,
            ExtendedSignals = items.Signals,
            IoStatus = items.IoStatus,
            AnalogAd0 = items.Ad0,
            AnalogAd1 = items.Ad1,
            SignalStrength = items.Signal,
            SatelliteCount = items.Satellites,
        };
        error = null;
        return true;
    }

    /// <summary>
    /// Decodes a 0x0704 body: count WORD, type BYTE, then count × (length WORD, 0x0200 body). A structural
    /// problem (an item running past the body, count disagreeing with the items, trailing bytes) rejects the
    /// batch unless the profile tolerates it; an item that is delimited but undecodable is listed and skipped.
    /// </summary>
    public static bool TryDecodeBatch(
        ReadOnlySpan<byte> body,
        Jt808TerminalProfile profile,
        [NotNullWhen(true)] out Jt808BatchLocationUpload? batch,
        [NotNullWhen(false)] out Jt808Error? error)
    {
        ArgumentNullException.ThrowIfNull(profile);
        batch = null;
        if (body.Length < 3)
        {
            error = new Jt808Error(
                Jt808ErrorKind.TruncatedBody,
                FormattableString.Invariant($"0x0704 batch needs 3 bytes (count, type) before its items, body has {body.Length}"),
                body.Length);
            return false;
        }

        int count = BinaryPrimitives.ReadUInt16BigEndian(body);
        // Capacity from what the body can hold, not from the device's count field.
        var positions = new List<Jt808Position>(Math.Min(count, (body.Length - 3) / (2 + BasicInfoLength)));
        List<Jt808BatchItemError>? rejected = null;
        Jt808Error? structureError = null;
        var offset = 3;
        for (var index = 0; index < count; index++)
        {
            if (body.Length - offset < 2)
            {
                structureError = new Jt808Error(
                    Jt808ErrorKind.CountMismatch,
                    FormattableString.Invariant(
                        $"0x0704 count says {count} items, body ends after {index} (body offset {offset}, {body.Length - offset} bytes left)"),
                    offset);
                break;
            }

            int itemLength = BinaryPrimitives.ReadUInt16BigEndian(body[offset..]);
            var left = body.Length - offset - 2;
            if (itemLength > left)
            {
                structureError = new Jt808Error(
                    Jt808ErrorKind.OverrunningItem,
                    FormattableString.Invariant(
                        $"0x0704 item {index} at body offset {offset} claims {itemLength} bytes, only {left} left"),
                    offset);
                break;
            }

            var itemStart = offset + 2;
            if (TryDecode(body.Slice(itemStart, itemLength), profile, out var position, out var itemError))
            {
                positions.Add(position);
            }
            else
            {
                (rejected ??= []).Add(new Jt808BatchItemError(
                    index,
                    itemError with
                    {
                        Reason = FormattableString.Invariant($"0x0704 item {index} (item body at batch body offset {itemStart}): {itemError.Reason}"),
                        Offset = itemError.Offset < 0 ? -1 : itemStart + itemError.Offset,
                    }));
            }

            offset = itemStart + itemLength;
        }

        if (structureError is null && offset != body.Length)
        {
            structureError = new Jt808Error(
                Jt808ErrorKind.CountMismatch,
                FormattableString.Invariant(
                    $"0x0704 count says {count} items, but {body.Length - offset} bytes follow the last of them (body offset {offset})"),
                offset);
        }

        if (structureError is not null && !profile.TolerateBrokenAdditionalItems)
        {
            error = structureError;
            return false;
        }

        batch = new Jt808BatchLocationUpload
        {
            Type = body[2],
            DeclaredCount = count,
            Positions = positions,
            RejectedItems = (IReadOnlyList<Jt808BatchItemError>?)rejected ?? [],
            StructureError = structureError,
        };
        error = null;
        return true;
    }

    /// <summary>
    /// The standard accepts unsigned magnitude plus the south/west status bit; some encoders send
    /// two's-complement negatives (and set the bit too). Both read as the same signed value.
    /// </summary>
    private static double ToDegrees(uint raw, bool negativeByStatus)
    {
        long value = raw >= 0x8000_0000u ? (int)raw : raw;
        var degrees = Math.Abs(value) / CoordinateScale;
        return negativeByStatus || value < 0 ? -degrees : degrees;
    }

    /// <summary>Validates the item chain without allocating; returns why it breaks, or null.</summary>
    private static Jt808Error? ScanItems(ReadOnlySpan<byte> items, out int count, out int wellFormedLength)
    {
        count = 0;
        var offset = 0;
        while (offset < items.Length)
        {
            var bodyOffset = BasicInfoLength + offset;
            if (items.Length - offset < 2)
            {
                wellFormedLength = offset;
                return new Jt808Error(
                    Jt808ErrorKind.TruncatedBody,
                    FormattableString.Invariant(
                        $"additional item 0x{items[offset]:x2} at body offset {bodyOffset} has no length byte: the body ends after its id"),
                    bodyOffset);
            }

            var length = items[offset + 1];
            var left = items.Length - offset - 2;
            if (length > left)
            {
                wellFormedLength = offset;
                return new Jt808Error(
                    Jt808ErrorKind.OverrunningItem,
                    FormattableString.Invariant(
                        $"additional item 0x{items[offset]:x2} at body offset {bodyOffset} claims {length} bytes, only {left} left"),
                    bodyOffset);
            }

            offset += 2 + length;
            count++;
        }

        wellFormedLength = offset;
        return null;
    }

    private static Jt808AdditionalItem[] ParseItems(byte[] storage, int count, ref StandardItems standard)
    {
        var items = new Jt808AdditionalItem[count];
        var offset = 0;
        for (var i = 0; i < count; i++)
        {
            var id = storage[offset];
            int length = storage[offset + 1];
            var value = new ReadOnlySpan<byte>(storage, offset + 2, length);
            var isStandardLength = standard.TryRead(id, value);
            items[i] = new Jt808AdditionalItem(id, new ReadOnlyMemory<byte>(storage, offset + 2, length), !isStandardLength);
            offset += 2 + length;
        }

        return items;
    }

    /// <summary>Typed values of the standard items (the last one wins when an id repeats).</summary>
    private struct StandardItems
    {
        public double? Mileage;
        public double? Fuel;
        public double? RecorderSpeed;
        public int? EventId;
        public int? Temperature;
        public int? IoStatus;
        public int? Ad0;
        public int? Ad1;
        public int? Signal;
        public int? Satellites;
        public uint? Signals;
        public Jt808OverspeedInfo? Overspeed;
        public Jt808AreaRouteInfo? AreaRoute;
        public Jt808RouteSectionTimeInfo? SectionTime;

        /// <summary>Reads a standard item; false when the id is standard but the length is not.</summary>
        public bool TryRead(byte id, ReadOnlySpan<byte> value)
        {
            var length = value.Length;
            switch (id)
            {
                case 0x01 when length == 4:
                    Mileage = BinaryPrimitives.ReadUInt32BigEndian(value) / 10d;
                    return true;
                case 0x02 when length == 2:
                    Fuel = BinaryPrimitives.ReadUInt16BigEndian(value) / 10d;
                    return true;
                case 0x03 when length == 2:
                    RecorderSpeed = BinaryPrimitives.ReadUInt16BigEndian(value) / 10d;
                    return true;
                case 0x04 when length == 2:
                    EventId = BinaryPrimitives.ReadUInt16BigEndian(value);
                    return true;
                case 0x05 when length == 30:
                    return true;
                case 0x06 when length == 2:
                    Temperature = BinaryPrimitives.ReadInt16BigEndian(value);
                    return true;
                case 0x11 when length == 1:
                    Overspeed = new Jt808OverspeedInfo(value[0], null);
                    return true;
                case 0x11 when length == 5:
                    Overspeed = new Jt808OverspeedInfo(value[0], BinaryPrimitives.ReadUInt32BigEndian(value[1..]));
                    return true;
                case 0x12 when length == 6:
                    AreaRoute = new Jt808AreaRouteInfo(value[0], BinaryPrimitives.ReadUInt32BigEndian(value[1..]), value[5]);
                    return true;
                case 0x13 when length == 7:
                    SectionTime = new Jt808RouteSectionTimeInfo(
                        BinaryPrimitives.ReadUInt32BigEndian(value), BinaryPrimitives.ReadUInt16BigEndian(value[4..]), value[6]);
                    return true;
                case 0x25 when length == 4:
                    Signals = BinaryPrimitives.ReadUInt32BigEndian(value);
                    return true;
                case 0x2A when length == 2:
                    IoStatus = BinaryPrimitives.ReadUInt16BigEndian(value);
                    return true;
                case 0x2B when length == 4:
                    var analog = BinaryPrimitives.ReadUInt32BigEndian(value);
                    Ad0 = (int)(analog & 0xFFFF);
                    Ad1 = (int)(analog >> 16);
                    return true;
                case 0x30 when length == 1:
                    Signal = value[0];
                    return true;
                case 0x31 when length == 1:
                    Satellites = value[0];
                    return true;
                case 0x01 or 0x02 or 0x03 or 0x04 or 0x05 or 0x06 or 0x11 or 0x12 or 0x13 or 0x25 or 0x2A or 0x2B or 0x30 or 0x31:
                    return false;
                default:
                    return true;
            }
        }
    }
}
