using System.Globalization;
using System.Text.Json;
using HazChem.Transport.Telemetry.Jt808;
using static HazChem.Transport.Telemetry.Tests.Jt808.Jt808TestSupport;

namespace HazChem.Transport.Telemetry.Tests.Jt808;

/// <summary>
/// Every row of the public vectors decodes to the values the file expects: header fields, position, UTC time,
/// speed, items, registration and authentication fields; rejected rows are rejected for the expected reason.
/// </summary>
public sealed class Jt808VectorTests
{
    /// <summary>Fixed test clock: no vector fix may lie after it.</summary>
    private static readonly DateTime TestNowUtc = new(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    private static readonly Jt808TerminalProfile Tolerant = new() { TolerateBrokenAdditionalItems = true };

    public static TheoryData<int> Rows => Jt808Vectors.Rows();

    [Theory]
    [MemberData(nameof(Rows))]
    public void Decode_PublicVectorRow_MatchesExpectedValues(int row)
    {
        var vector = Jt808Vectors.Get(row);
        switch (vector.InputForm)
        {
            case "wire":
                AssertWire(vector);
                break;
            case "body":
                AssertBody(vector);
                break;
            case "header":
                AssertHeaderOnly(vector);
                break;
            case "stream":
                AssertStream(vector);
                break;
            default:
                Assert.Fail($"{vector}: unknown input_form {vector.InputForm}");
                break;
        }
    }

    [Fact]
    public void Decode_PublicVectors_CoverEveryRowAndAllFixesArePlausibleUnlessFlagged()
    {
        var vectors = Jt808Vectors.All;
        if (vectors is null)
        {
            Assert.Skip(Jt808Vectors.SkipReason);
        }

        var plausible = 0;
        var flagged = 0;
        foreach (var vector in vectors.Where(v => v.InputForm == "wire"))
        {
            var outcome = ReadAll(Hex(vector.Hex), verifyChecksum: false);
            foreach (var frame in outcome.Frames.Where(f => f.Header.MessageId == Jt808MessageIds.LocationReport))
            {
                if (!Jt808MessageDecoder.TryDecode(new Jt808Frame(frame.Header, frame.Body), Tolerant, out var message, out _))
                {
                    continue;
                }

                var position = ((Jt808LocationReport)message).Position;
                if (IsPlausible(position))
                {
                    plausible++;
                }
                else
                {
                    // Only the synthetic vectors whose authors swapped latitude and longitude may fail.
                    Assert.Contains("latitude raw > 90e6", vector.Expected.GetProperty("decoded").GetRawText(), StringComparison.Ordinal);
                    flagged++;
                }
            }
        }

        Assert.True(vectors.Count >= 80, $"expected the full vector file, got {vectors.Count} rows");
        Assert.True(plausible >= 10, $"only {plausible} plausible fixes decoded");
        Assert.True(flagged > 0, "the lat/lon-swapped synthetic vectors should be flagged as implausible");
    }

    private static void AssertWire(Jt808Vector vector)
    {
        var bytes = Hex(vector.Hex);
        var expected = vector.Expected;
        if (!expected.TryGetProperty("frame", out var frameJson))
        {
            AssertRejectedWithoutFrame(vector, bytes);
            return;
        }

        var checksumOk = frameJson.GetProperty("checksum_ok").GetBoolean();
        var lengthOk = frameJson.GetProperty("length_ok").GetBoolean();
        var strict = ReadAll(bytes);
        if (!checksumOk)
        {
            Assert.Equal(Jt808ErrorKind.BadChecksum, strict.SingleError().Kind);
        }

        var outcome = checksumOk ? strict : ReadAll(bytes, verifyChecksum: false);
        if (!lengthOk)
        {
            Assert.Equal(Jt808ErrorKind.BodyLengthMismatch, outcome.SingleError().Kind);
            AssertLengthMismatchFrame(vector, bytes, frameJson);
            return;
        }

        var frame = outcome.SingleFrame();
        AssertHeader(vector, frame.Header, frameJson);
        Assert.Equal(frameJson.GetProperty("actual_body_len").GetInt32(), frame.Body.Length);
        if (expected.GetProperty("source_asserts").TryGetProperty("TerminalPhoneNo", out var phone))
        {
            // Phones compare as digits without leading zeros.
            Assert.Equal(phone.GetString(), frame.Header.Phone.ToString());
        }

        if (expected.TryGetProperty("decoded", out var decoded))
        {
            AssertDecoded(vector, frame, decoded);
        }
    }

    /// <summary>Rows that are not a frame at all: no end flag, too short, bad escapes, an unescaped 0x7e inside.</summary>
    private static void AssertRejectedWithoutFrame(Jt808Vector vector, byte[] bytes)
    {
        var reason = vector.Expected.GetProperty("decoder_error").GetString()!;
        var outcome = ReadAll(bytes);
        Assert.Empty(outcome.Frames);
        if (reason.Contains("not delimited", StringComparison.Ordinal))
        {
            // No end flag yet: nothing is rejected, the bytes wait for more data.
            Assert.Empty(outcome.Errors);
            Assert.Equal(bytes.Length, outcome.Remaining);
            return;
        }

        Assert.NotEmpty(outcome.Errors);
        var expectedKind = reason switch
        {
            _ when reason.Contains("unescaped 0x7e", StringComparison.Ordinal) => (Jt808ErrorKind?)null,
            _ when reason.Contains("escape", StringComparison.Ordinal) || reason.Contains("dangling 0x7d", StringComparison.Ordinal) => Jt808ErrorKind.BadEscape,
            _ when reason.Contains("too short for a header", StringComparison.Ordinal) => Jt808ErrorKind.TruncatedHeader,
            _ => null,
        };
        if (expectedKind is not null)
        {
            Assert.Equal(expectedKind, Assert.Single(outcome.Errors).Kind);
        }

        if (reason.Contains("unescaped 0x7e inside frame", StringComparison.Ordinal))
        {
            // The note says the bytes are a valid 0x0200 when read as already unescaped.
            var unescaped = bytes[1..^1];
            Assert.True(Jt808FrameReader.TryDecodeUnescaped(unescaped, out var header, out var error), error?.Reason);
            var body = unescaped[header.Length..^1];
            Assert.True(Jt808LocationDecoder.TryDecode(body, Jt808TerminalProfile.Default, out var position, out error), error?.Reason);
            Assert.Equal(34.224812, position.Latitude, 6);
            Assert.Equal(108.964388, position.Longitude, 6);
            Assert.Equal(new DateTime(2022, 8, 31, 9, 15, 56, DateTimeKind.Utc), position.FixTimeUtc);
        }
    }

    /// <summary>Header readable, body length wrong: the header still parses and the actual body decodes leniently.</summary>
    private static void AssertLengthMismatchFrame(Jt808Vector vector, byte[] bytes, JsonElement frameJson)
    {
        var unescaped = new byte[bytes.Length];
        Assert.True(Jt808FrameReader.TryUnescape(bytes.AsSpan(1, bytes.Length - 2), unescaped, out var length, out var error), error?.Reason);
        var withoutChecksum = unescaped.AsSpan(0, length - 1);
        var layout = Jt808Header.DetectLayout(withoutChecksum);
        Assert.True(Jt808Header.TryParse(withoutChecksum, layout, out var header, out error), error?.Reason);
        AssertHeader(vector, header, frameJson);
        var body = withoutChecksum[header.Length..].ToArray();
        Assert.Equal(frameJson.GetProperty("actual_body_len").GetInt32(), body.Length);
        if (!vector.Expected.TryGetProperty("decoded_lenient", out var lenient))
        {
            return;
        }

        if (lenient.TryGetProperty("fragment_hex_len", out var fragmentLength))
        {
            Assert.Equal(fragmentLength.GetInt32(), body.Length);
            return;
        }

        // A truncated real batch: strict decoding rejects it, a tolerant profile keeps the items that fit.
        Assert.False(Jt808LocationDecoder.TryDecodeBatch(body, Jt808TerminalProfile.Default, out _, out error));
        Assert.Equal(Jt808ErrorKind.OverrunningItem, error.Kind);
        Assert.True(Jt808LocationDecoder.TryDecodeBatch(body, Tolerant, out var batch, out error), error?.Reason);
        AssertBatch(vector, batch, lenient);
        Assert.Equal(Jt808ErrorKind.OverrunningItem, batch.StructureError?.Kind);
        var expectedErrors = lenient.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Contains(expectedErrors, e => e.Contains("claims", StringComparison.Ordinal));
    }

    private static void AssertHeader(Jt808Vector vector, Jt808Header header, JsonElement frameJson)
    {
        Assert.Equal(Convert.ToUInt16(vector.MessageId, 16), header.MessageId);
        var layout = frameJson.GetProperty("layout").GetString() == "2019" ? Jt808HeaderLayout.V2019 : Jt808HeaderLayout.V2013;
        Assert.Equal(layout, header.Layout);
        if (frameJson.TryGetProperty("protocol_version", out var version))
        {
            Assert.Equal(version.GetInt32(), header.ProtocolVersion);
        }

        if (frameJson.TryGetProperty("quirk", out _))
        {
            // The device set the 2019 version flag but sent a 2013 header.
            Assert.True(header.HasVersionFlag);
        }

        Assert.Equal(frameJson.GetProperty("phone_bcd").GetString(), header.Phone.ToHex());
        Assert.Equal(frameJson.GetProperty("serial").GetInt32(), header.SerialNumber);
        Assert.Equal(frameJson.GetProperty("body_len").GetInt32(), header.BodyLength);
        Assert.Equal(frameJson.GetProperty("encryption").GetInt32(), header.Encryption);
        Assert.Equal(frameJson.GetProperty("subpackage").GetBoolean(), header.IsSubpackage);
        if (frameJson.TryGetProperty("pkg_total", out var total))
        {
            Assert.Equal(total.GetInt32(), header.PackageTotal);
            Assert.Equal(frameJson.GetProperty("pkg_index").GetInt32(), header.PackageIndex);
        }
    }

    private static void AssertDecoded(Jt808Vector vector, DecodedFrame frame, JsonElement decoded)
    {
        if (decoded.TryGetProperty("empty", out _))
        {
            Assert.Empty(frame.Body);
            var message = frame.Decode();
            Assert.True(message is Jt808Heartbeat or Jt808Logout, $"{vector}: got {message}");
        }
        else if (decoded.TryGetProperty("encrypted_hex", out var encrypted))
        {
            Assert.Equal(encrypted.GetString(), Convert.ToHexStringLower(frame.Body));
            Assert.Equal(Jt808ErrorKind.EncryptedBody, frame.DecodeError().Kind);
        }
        else if (decoded.TryGetProperty("fragment_hex_len", out var fragmentLength))
        {
            var fragment = Assert.IsType<Jt808Subpackage>(frame.Decode());
            Assert.Equal(fragmentLength.GetInt32(), fragment.Body.Length);
            Assert.Equal(frame.Header.PackageIndex, fragment.Index);
            Assert.Equal(frame.Header.PackageTotal, fragment.Total);
        }
        else if (decoded.TryGetProperty("reply_msg_id", out var replyId))
        {
            var response = Assert.IsType<Jt808GeneralResponse>(frame.Decode());
            Assert.Equal(decoded.GetProperty("reply_serial").GetInt32(), response.ReplySerial);
            Assert.Equal(Convert.ToUInt16(replyId.GetString(), 16), response.ReplyMessageId);
            Assert.Equal(decoded.GetProperty("result").GetInt32(), response.Result);
        }
        else if (decoded.TryGetProperty("reply_serial", out var replySerial))
        {
            var response = Assert.IsType<Jt808RegistrationResponse>(frame.Decode());
            Assert.Equal(replySerial.GetInt32(), response.ReplySerial);
            Assert.Equal(decoded.GetProperty("result").GetInt32(), response.Result);
            Assert.Equal(decoded.TryGetProperty("auth_code", out var code) ? code.GetString() : null, response.AuthCode);
        }
        else if (decoded.TryGetProperty("edition_by_length", out var edition))
        {
            var registration = Assert.IsType<Jt808Registration>(frame.Decode());
            Assert.Equal("V" + edition.GetString(), registration.Edition.ToString());
            Assert.Equal(decoded.GetProperty("province_id").GetInt32(), registration.ProvinceId);
            Assert.Equal(decoded.GetProperty("city_id").GetInt32(), registration.CityId);
            Assert.Equal(decoded.GetProperty("maker_id").GetString(), registration.ManufacturerId);
            Assert.Equal(decoded.GetProperty("terminal_model").GetString(), registration.TerminalModel);
            Assert.Equal(decoded.GetProperty("terminal_id").GetString(), registration.TerminalId);
            Assert.Equal(decoded.GetProperty("plate_color").GetInt32(), registration.PlateColor);
            Assert.Equal(decoded.GetProperty("plate").GetString(), registration.Plate);
        }
        else if (decoded.TryGetProperty("auth_code", out var authCode))
        {
            var authentication = Assert.IsType<Jt808Authentication>(frame.Decode());
            Assert.Equal(authCode.GetString(), authentication.AuthCode);
            Assert.Equal(decoded.TryGetProperty("imei", out var imei) ? imei.GetString() : null, authentication.Imei);
            Assert.Equal(
                decoded.TryGetProperty("software_version", out var software) ? software.GetString() : null,
                authentication.SoftwareVersion);
        }
        else if (decoded.TryGetProperty("alarm_hex", out _))
        {
            var overrun = OverrunWarning(decoded);
            if (overrun is not null)
            {
                // Strict: rejected with the reason. Tolerant profile: basic info and the items before it kept.
                var error = frame.DecodeError();
                Assert.True(error.Kind is Jt808ErrorKind.OverrunningItem or Jt808ErrorKind.TruncatedBody, error.ToString());
                var report = Assert.IsType<Jt808LocationReport>(frame.Decode(Tolerant));
                Assert.Equal(error, report.Position.AdditionalItemsError);
                AssertPosition(vector, report.Position, decoded);
            }
            else
            {
                AssertPosition(vector, Assert.IsType<Jt808LocationReport>(frame.Decode()).Position, decoded);
            }
        }
        else if (decoded.TryGetProperty("count", out _))
        {
            AssertBatch(vector, Assert.IsType<Jt808BatchLocationUpload>(frame.Decode()), decoded);
        }
        else
        {
            Assert.Fail($"{vector}: no assertion for decoded {decoded.GetRawText()}");
        }
    }

    private static void AssertBatch(Jt808Vector vector, Jt808BatchLocationUpload batch, JsonElement decoded)
    {
        Assert.Equal(decoded.GetProperty("count").GetInt32(), batch.DeclaredCount);
        Assert.Equal(decoded.GetProperty("type_0normal_1blind").GetInt32(), batch.Type);
        var items = decoded.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(items.Count, batch.Positions.Count);
        Assert.Empty(batch.RejectedItems);
        for (var i = 0; i < items.Count; i++)
        {
            AssertPosition(vector, batch.Positions[i], items[i]);
        }
    }

    private static void AssertPosition(Jt808Vector vector, Jt808Position position, JsonElement expected)
    {
        Assert.Equal(expected.GetProperty("alarm_hex").GetString(), position.AlarmFlags.ToString("x8", CultureInfo.InvariantCulture));
        Assert.Equal(expected.GetProperty("status_hex").GetString(), position.StatusFlags.ToString("x8", CultureInfo.InvariantCulture));
        Assert.Equal(expected.GetProperty("lat").GetDouble(), position.Latitude, 6);
        Assert.Equal(expected.GetProperty("lon").GetDouble(), position.Longitude, 6);
        Assert.Equal(expected.GetProperty("altitude_m").GetInt32(), position.AltitudeM);
        Assert.Equal(expected.GetProperty("speed_kmh").GetDouble(), position.SpeedKmh, 6);
        Assert.Equal(expected.GetProperty("direction_deg").GetInt32(), position.HeadingDeg);
        var utc = DateTime.Parse(expected.GetProperty("time_utc_if_gmt8").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        Assert.Equal(utc, position.FixTimeUtc);
        Assert.Equal(DateTimeKind.Utc, position.FixTimeUtc.Kind);
        Assert.Equal((position.StatusFlags & 2) != 0, position.IsValid);

        var warnings = expected.TryGetProperty("warnings", out var w)
            ? w.EnumerateArray().Select(x => x.GetString()!).ToList()
            : [];
        var expectedIds = expected.GetProperty("additional_ids").EnumerateArray().Select(x => x.GetString()!).ToList();
        var overrun = OverrunWarning(expected);
        if (overrun is not null && overrun.Contains("claims", StringComparison.Ordinal))
        {
            // The expected list names the overrunning item; decoding stops before it.
            expectedIds.RemoveAt(expectedIds.Count - 1);
        }

        Assert.Equal(expectedIds, position.AdditionalItems.Select(i => $"0x{i.Id:x2}").ToList());
        foreach (var warning in warnings.Where(x => x.StartsWith("standard item", StringComparison.Ordinal)))
        {
            var id = Convert.ToByte(warning.Split(' ')[2], 16);
            Assert.Contains(position.AdditionalItems, i => i.Id == id && i.HasNonStandardLength);
        }

        if (expected.TryGetProperty("additional_std", out var standard))
        {
            AssertStandardItems(position, standard);
        }

        var flaggedOutOfRange = warnings.Any(x => x.Contains("out of range", StringComparison.Ordinal));
        Assert.True(IsPlausible(position) != flaggedOutOfRange, $"{vector}: plausibility {IsPlausible(position)} but flagged {flaggedOutOfRange}");
    }

    private static void AssertStandardItems(Jt808Position position, JsonElement standard)
    {
        foreach (var item in standard.EnumerateObject())
        {
            var v = item.Value;
            switch (item.Name)
            {
                case "0x01":
                    Assert.Equal(v.GetProperty("mileage_km").GetDouble(), position.MileageKm!.Value, 6);
                    break;
                case "0x02":
                    Assert.Equal(v.GetProperty("fuel_l").GetDouble(), position.FuelLitres!.Value, 6);
                    break;
                case "0x03":
                    Assert.Equal(v.GetProperty("recorder_speed_kmh").GetDouble(), position.RecorderSpeedKmh!.Value, 6);
                    break;
                case "0x04":
                    Assert.Equal(v.GetProperty("manual_confirm_alarm_event_id").GetInt32(), position.AlarmEventId);
                    break;
                case "0x06":
                    Assert.Equal(v.GetProperty("carriage_temp_c").GetInt32(), position.CompartmentTemperatureC);
                    break;
                case "0x11":
                    Assert.Equal(v.GetProperty("overspeed_location_type").GetInt32(), position.Overspeed!.LocationType);
                    Assert.Equal(v.GetProperty("area_or_route_id").GetUInt32(), position.Overspeed.AreaOrRouteId);
                    break;
                case "0x12":
                    Assert.Equal(v.GetProperty("location_type").GetInt32(), position.AreaRoute!.LocationType);
                    Assert.Equal(v.GetProperty("area_or_route_id").GetUInt32(), position.AreaRoute.AreaOrRouteId);
                    Assert.Equal(v.GetProperty("direction_0in_1out").GetInt32(), position.AreaRoute.Direction);
                    break;
                case "0x13":
                    Assert.Equal(v.GetProperty("route_section_id").GetUInt32(), position.RouteSectionTime!.SectionId);
                    Assert.Equal(v.GetProperty("section_drive_time_s").GetInt32(), position.RouteSectionTime.DrivingTimeSeconds);
                    Assert.Equal(v.GetProperty("result_0short_1long").GetInt32(), position.RouteSectionTime.Result);
                    break;
                case "0x25":
                    Assert.Equal(v.GetProperty("ext_signal").GetUInt32(), position.ExtendedSignals);
                    break;
                case "0x2a":
                    Assert.Equal(v.GetProperty("io_status").GetInt32(), position.IoStatus);
                    break;
                case "0x2b":
                    Assert.Equal(v.GetProperty("ad0").GetInt32(), position.AnalogAd0);
                    Assert.Equal(v.GetProperty("ad1").GetInt32(), position.AnalogAd1);
                    break;
                case "0x30":
                    Assert.Equal(v.GetProperty("signal_strength").GetInt32(), position.SignalStrength);
                    break;
                case "0x31":
                    Assert.Equal(v.GetProperty("gnss_satellites").GetInt32(), position.SatelliteCount);
                    break;
                default:
                    Assert.Fail($"no assertion for standard item {item.Name}");
                    break;
            }
        }
    }

    private static void AssertBody(Jt808Vector vector)
    {
        // Only the 2019 0x0102 body-only vector has this form.
        Assert.Equal("0x0102", vector.MessageId);
        var asserts = vector.Expected.GetProperty("source_asserts");
        Assert.True(
            Jt808MessageDecoder.TryDecodeAuthentication(Hex(vector.Hex), Jt808HeaderLayout.V2019, out var authentication, out var error),
            error?.Reason);
        Assert.Equal(asserts.GetProperty("Code").GetString(), authentication.AuthCode);
        Assert.Equal(asserts.GetProperty("IMEI").GetString(), authentication.Imei);
        Assert.Equal(asserts.GetProperty("SoftwareVersion").GetString(), authentication.SoftwareVersion);
    }

    private static void AssertHeaderOnly(Jt808Vector vector)
    {
        var bytes = Hex(vector.Hex);
        var asserts = vector.Expected.GetProperty("source_asserts");
        Assert.True(Jt808Header.TryParse(bytes, Jt808Header.DetectLayout(bytes), out var header, out var error), error?.Reason);
        Assert.Equal(bytes.Length, header.Length);
        Assert.Equal(Convert.ToUInt16(asserts.GetProperty("MsgId").GetString(), 16), header.MessageId);
        Assert.Equal(asserts.GetProperty("DataLength").GetInt32(), header.BodyLength);
        Assert.Equal(asserts.GetProperty("IsPackage").GetBoolean(), header.IsSubpackage);
        Assert.Equal(asserts.GetProperty("TerminalPhoneNo").GetString(), header.Phone.ToString());
        Assert.Equal(asserts.GetProperty("MsgNum").GetInt32(), header.SerialNumber);
        if (asserts.TryGetProperty("VersionFlag", out var versionFlag))
        {
            Assert.Equal(versionFlag.GetBoolean(), header.HasVersionFlag);
            Assert.Equal(Jt808HeaderLayout.V2019, header.Layout);
            Assert.Equal(asserts.GetProperty("ProtocolVersion").GetInt32(), header.ProtocolVersion);
            Assert.Equal(asserts.GetProperty("PackgeCount").GetInt32(), header.PackageTotal);
            Assert.Equal(asserts.GetProperty("PackageIndex").GetInt32(), header.PackageIndex);
            Assert.Equal(1, header.Encryption); // "Encrypt": "RSA"
        }
        else
        {
            Assert.Equal(Jt808HeaderLayout.V2013, header.Layout);
        }
    }

    private static void AssertStream(Jt808Vector vector)
    {
        var hex = vector.Hex.Length % 2 == 0 ? vector.Hex : vector.Hex[..^1]; // one vector ends in half a byte
        var bytes = Hex(hex);
        var asserts = vector.Expected.GetProperty("source_asserts");
        var outcome = ReadAll(bytes);
        if (asserts.TryGetProperty("decode_error", out _))
        {
            // The first 0x7e…0x7e candidate is not a frame; the reader resynchronises on the next 0x7e and,
            // unlike go-jt808 (which keeps it pending), decodes the complete second frame at once.
            Assert.Equal(Jt808ErrorKind.TruncatedHeader, Assert.Single(outcome.Errors).Kind);
            var frame = Assert.Single(outcome.Frames);
            Assert.Equal(Jt808MessageIds.Heartbeat, frame.Header.MessageId);
            Assert.Equal(0x7fff, frame.Header.SerialNumber);
            Assert.Equal(0, outcome.Remaining);
            return;
        }

        Assert.Empty(outcome.Errors);
        var expectedFrames = asserts.GetProperty("frames").EnumerateArray().Select(f => f.GetString()!).ToList();
        Assert.Equal(expectedFrames.Count, outcome.Frames.Count);
        for (var i = 0; i < expectedFrames.Count; i++)
        {
            var expectedId = Convert.ToUInt16(expectedFrames[i].Substring(2, 4), 16);
            Assert.Equal(expectedId, outcome.Frames[i].Header.MessageId);
        }

        if (asserts.GetProperty("pending").ValueKind == JsonValueKind.Number)
        {
            Assert.Equal(asserts.GetProperty("pending").GetInt32(), outcome.Remaining);
        }
        else
        {
            // The trailing partial frame waits, starting at its start flag.
            var lastStart = Array.LastIndexOf(bytes, Jt808FrameReader.Flag);
            Assert.Equal(bytes.Length - lastStart, outcome.Remaining);
            Assert.True(outcome.Remaining > 1);
        }
    }

    private static string? OverrunWarning(JsonElement decoded) =>
        decoded.TryGetProperty("warnings", out var warnings)
            ? warnings.EnumerateArray().Select(w => w.GetString()!)
                .FirstOrDefault(w => w.Contains("claims", StringComparison.Ordinal) || w.Contains("dangling", StringComparison.Ordinal))
            : null;

    private static bool IsPlausible(Jt808Position position) =>
        position.Latitude is >= -90 and <= 90
        && position.Longitude is >= -180 and <= 180
        && position.SpeedKmh >= 0
        && position.FixTimeUtc <= TestNowUtc;
}
