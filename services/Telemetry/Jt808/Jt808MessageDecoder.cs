using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace HazChem.Transport.Telemetry.Jt808;

/// <summary>Decodes the body of a verified frame into a <see cref="Jt808Message"/>.</summary>
internal static class Jt808MessageDecoder
{
    private const int GeneralResponseLength = 5;
    private const int Imei2019Length = 15;
    private const int SoftwareVersion2019Length = 20;

    /// <summary>
    /// Decodes <paramref name="frame"/>'s body with the settings of the terminal that sent it. Unknown message
    /// ids give <see cref="Jt808UnsupportedMessage"/>, subpackage packets <see cref="Jt808Subpackage"/>.
    /// Never throws on device input.
    /// </summary>
    public static bool TryDecode(
        in Jt808Frame frame,
        Jt808TerminalProfile profile,
        [NotNullWhen(true)] out Jt808Message? message,
        [NotNullWhen(false)] out Jt808Error? error)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var header = frame.Header;
        var body = frame.Body.Span;
        message = null;
        if (header.Encryption != 0)
        {
            error = new Jt808Error(
                Jt808ErrorKind.EncryptedBody,
                FormattableString.Invariant(
                    $"message 0x{header.MessageId:x4}: body properties encryption bits are {header.Encryption} (1 = RSA); encrypted bodies are not supported"),
                2);
            return false;
        }

        if (header.IsSubpackage)
        {
            message = new Jt808Subpackage(header.MessageId, header.PackageTotal, header.PackageIndex, body.ToArray());
            error = null;
            return true;
        }

        switch (header.MessageId)
        {
            case Jt808MessageIds.Heartbeat:
                message = Jt808Heartbeat.Instance;
                break;
            case Jt808MessageIds.Logout:
                message = Jt808Logout.Instance;
                break;
            case Jt808MessageIds.Registration:
                var edition = profile.RegistrationEdition ?? DetectRegistrationEdition(header.Layout, body.Length);
                if (!TryDecodeRegistration(body, edition, out var registration, out error))
                {
                    return false;
                }

                message = registration;
                break;
            case Jt808MessageIds.Authentication:
                if (!TryDecodeAuthentication(body, header.Layout, out var authentication, out error))
                {
                    return false;
                }

                message = authentication;
                break;
            case Jt808MessageIds.LocationReport:
                if (!Jt808LocationDecoder.TryDecode(body, profile, out var position, out error))
                {
                    return false;
                }

                message = new Jt808LocationReport(position);
                break;
            case Jt808MessageIds.BatchLocationUpload:
                if (!Jt808LocationDecoder.TryDecodeBatch(body, profile, out var batch, out error))
                {
                    return false;
                }

                message = batch;
                break;
            case Jt808MessageIds.TerminalGeneralResponse:
            case Jt808MessageIds.PlatformGeneralResponse:
                if (!TryDecodeGeneralResponse(body, out var response, out error))
                {
                    return false;
                }

                message = response;
                break;
            case Jt808MessageIds.RegistrationResponse:
                if (!TryDecodeRegistrationResponse(body, out var registrationResponse, out error))
                {
                    return false;
                }

                message = registrationResponse;
                break;
            default:
                message = new Jt808UnsupportedMessage(header.MessageId, body.Length);
                break;
        }

        error = null;
        return true;
    }

    /// <summary>2019 header → 2019; else a body of 37+ bytes → 2013; else 2011.</summary>
    public static Jt808RegistrationEdition DetectRegistrationEdition(Jt808HeaderLayout layout, int bodyLength) =>
        layout == Jt808HeaderLayout.V2019 ? Jt808RegistrationEdition.V2019
        : bodyLength >= RegistrationFixedLength(Jt808RegistrationEdition.V2013) ? Jt808RegistrationEdition.V2013
        : Jt808RegistrationEdition.V2011;

    /// <summary>0x0100 body: province, city, manufacturer, model, terminal id, plate colour, plate.</summary>
    public static bool TryDecodeRegistration(
        ReadOnlySpan<byte> body,
        Jt808RegistrationEdition edition,
        [NotNullWhen(true)] out Jt808Registration? registration,
        [NotNullWhen(false)] out Jt808Error? error)
    {
        registration = null;
        var (manufacturerLength, modelLength, terminalIdLength) = edition switch
        {
            Jt808RegistrationEdition.V2011 => (5, 8, 7),
            Jt808RegistrationEdition.V2013 => (5, 20, 7),
            _ => (11, 30, 30),
        };
        var fixedLength = 4 + manufacturerLength + modelLength + terminalIdLength + 1;
        if (body.Length < fixedLength)
        {
            error = new Jt808Error(
                Jt808ErrorKind.TruncatedBody,
                FormattableString.Invariant(
                    $"0x0100 registration ({edition}) needs at least {fixedLength} bytes before the plate, body has {body.Length}"),
                body.Length);
            return false;
        }

        var offset = 4;
        var manufacturer = body.Slice(offset, manufacturerLength);
        offset += manufacturerLength;
        var model = body.Slice(offset, modelLength);
        offset += modelLength;
        var terminalId = body.Slice(offset, terminalIdLength);
        offset += terminalIdLength;
        registration = new Jt808Registration
        {
            Edition = edition,
            ProvinceId = BinaryPrimitives.ReadUInt16BigEndian(body),
            CityId = BinaryPrimitives.ReadUInt16BigEndian(body[2..]),
            ManufacturerId = Jt808Text.DecodeTrimmed(manufacturer),
            TerminalModel = Jt808Text.DecodeTrimmed(model),
            TerminalId = Jt808Text.DecodeTrimmed(terminalId),
            TerminalIdHex = Convert.ToHexStringLower(terminalId),
            PlateColor = body[offset],
            Plate = Jt808Text.DecodeTrimmed(body[(offset + 1)..]),
        };
        error = null;
        return true;
    }

    /// <summary>
    /// 0x0102 body. 2011/2013 (2013 header layout): the whole body is the auth code. 2019: code length BYTE,
    /// code, IMEI BYTE[15], software version BYTE[20].
    /// </summary>
    public static bool TryDecodeAuthentication(
        ReadOnlySpan<byte> body,
        Jt808HeaderLayout layout,
        [NotNullWhen(true)] out Jt808Authentication? authentication,
        [NotNullWhen(false)] out Jt808Error? error)
    {
        authentication = null;
        if (layout == Jt808HeaderLayout.V2013)
        {
            authentication = new Jt808Authentication(Jt808Text.DecodeTrimmed(body), null, null);
            error = null;
            return true;
        }

        if (body.IsEmpty)
        {
            error = new Jt808Error(Jt808ErrorKind.TruncatedBody, "0x0102 authentication (2019) body is empty; it starts with the auth code length", 0);
            return false;
        }

        var codeLength = body[0];
        var needed = 1 + codeLength + Imei2019Length + SoftwareVersion2019Length;
        if (body.Length < needed)
        {
            error = new Jt808Error(
                Jt808ErrorKind.TruncatedBody,
                FormattableString.Invariant(
                    $"0x0102 authentication (2019): code length byte says {codeLength}, so the body needs {needed} bytes (code + IMEI 15 + version 20), it has {body.Length}"),
                body.Length);
            return false;
        }

        var code = body.Slice(1, codeLength);
        var imei = body.Slice(1 + codeLength, Imei2019Length);
        var version = body.Slice(1 + codeLength + Imei2019Length, SoftwareVersion2019Length);
        authentication = new Jt808Authentication(
            Jt808Text.DecodeTrimmed(code), Jt808Text.DecodeTrimmed(imei), Jt808Text.DecodeTrimmed(version));
        error = null;
        return true;
    }

    /// <summary>0x0001 / 0x8001 body: reply serial, reply message id, result.</summary>
    public static bool TryDecodeGeneralResponse(
        ReadOnlySpan<byte> body,
        [NotNullWhen(true)] out Jt808GeneralResponse? response,
        [NotNullWhen(false)] out Jt808Error? error)
    {
        response = null;
        if (body.Length < GeneralResponseLength)
        {
            error = new Jt808Error(
                Jt808ErrorKind.TruncatedBody,
                FormattableString.Invariant($"general response needs {GeneralResponseLength} bytes (serial, message id, result), body has {body.Length}"),
                body.Length);
            return false;
        }

        response = new Jt808GeneralResponse(
            BinaryPrimitives.ReadUInt16BigEndian(body), BinaryPrimitives.ReadUInt16BigEndian(body[2..]), body[4]);
        error = null;
        return true;
    }

    /// <summary>0x8100 body: reply serial, result, auth code (only when result = 0).</summary>
    public static bool TryDecodeRegistrationResponse(
        ReadOnlySpan<byte> body,
        [NotNullWhen(true)] out Jt808RegistrationResponse? response,
        [NotNullWhen(false)] out Jt808Error? error)
    {
        response = null;
        if (body.Length < 3)
        {
            error = new Jt808Error(
                Jt808ErrorKind.TruncatedBody,
                FormattableString.Invariant($"0x8100 registration response needs 3 bytes (serial, result), body has {body.Length}"),
                body.Length);
            return false;
        }

        var result = body[2];
        var authCode = result == (int)Jt808RegistrationResult.Success ? Jt808Text.DecodeTrimmed(body[3..]) : null;
        response = new Jt808RegistrationResponse(BinaryPrimitives.ReadUInt16BigEndian(body), result, authCode);
        error = null;
        return true;
    }

    private static int RegistrationFixedLength(Jt808RegistrationEdition edition) => edition switch
    {
        Jt808RegistrationEdition.V2011 => 25,
        Jt808RegistrationEdition.V2013 => 37,
        _ => 76,
    };
}
