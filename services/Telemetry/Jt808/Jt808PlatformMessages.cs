using System.Buffers;
using System.Buffers.Binary;

namespace HazChem.Transport.Telemetry.Jt808;

/// <summary>Result byte of a 0x8001 platform general response (and of a 0x0001 terminal general response, 0–3).</summary>
internal enum Jt808ReplyResult
{
    Success = 0,
    Failure = 1,
    MessageError = 2,
    NotSupported = 3,

    /// <summary>0x8001 only: alarm handling confirmed; clears latched alarm bits.</summary>
    AlarmConfirmed = 4,
}

/// <summary>Result byte of a 0x8100 registration response.</summary>
internal enum Jt808RegistrationResult
{
    Success = 0,
    VehicleAlreadyRegistered = 1,
    VehicleNotInDatabase = 2,
    TerminalAlreadyRegistered = 3,
    TerminalNotInDatabase = 4,
}

/// <summary>Encoders of the platform messages the server sends in answer to a terminal.</summary>
internal static class Jt808PlatformMessages
{
    private const int GeneralResponseBodyLength = 5;

    /// <summary>Largest auth code (GBK bytes) that fits a 0x8100 body.</summary>
    private const int MaxAuthCodeLength = Jt808Header.MaxBodyLength - 3;

    /// <summary>
    /// 0x8001 general response to <paramref name="request"/>: reply serial, reply message id, result; header in
    /// the terminal's own layout, protocol version and phone bytes, with the platform's serial number.
    /// </summary>
    public static int WriteGeneralResponse(
        IBufferWriter<byte> writer,
        in Jt808Header request,
        ushort platformSerial,
        Jt808ReplyResult result)
    {
        Span<byte> body = stackalloc byte[GeneralResponseBodyLength];
        WriteGeneralResponseBody(body, request, result);
        return Jt808FrameWriter.Write(writer, request.ForReply(Jt808MessageIds.PlatformGeneralResponse, platformSerial), body);
    }

    /// <inheritdoc cref="WriteGeneralResponse(IBufferWriter{byte}, in Jt808Header, ushort, Jt808ReplyResult)"/>
    public static int WriteGeneralResponse(
        Span<byte> destination,
        in Jt808Header request,
        ushort platformSerial,
        Jt808ReplyResult result)
    {
        Span<byte> body = stackalloc byte[GeneralResponseBodyLength];
        WriteGeneralResponseBody(body, request, result);
        return Jt808FrameWriter.Write(destination, request.ForReply(Jt808MessageIds.PlatformGeneralResponse, platformSerial), body);
    }

    /// <summary>
    /// 0x8100 registration response to <paramref name="request"/>: reply serial, result and, only on success,
    /// the auth code (GBK) the terminal will present in 0x0102.
    /// </summary>
    public static int WriteRegistrationResponse(
        IBufferWriter<byte> writer,
        in Jt808Header request,
        ushort platformSerial,
        Jt808RegistrationResult result,
        string? authCode)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> body = stackalloc byte[Jt808Header.MaxBodyLength];
        var length = WriteRegistrationResponseBody(body, request, result, authCode);
        return Jt808FrameWriter.Write(writer, request.ForReply(Jt808MessageIds.RegistrationResponse, platformSerial), body[..length]);
    }

    /// <inheritdoc cref="WriteRegistrationResponse(IBufferWriter{byte}, in Jt808Header, ushort, Jt808RegistrationResult, string?)"/>
    public static int WriteRegistrationResponse(
        Span<byte> destination,
        in Jt808Header request,
        ushort platformSerial,
        Jt808RegistrationResult result,
        string? authCode)
    {
        Span<byte> body = stackalloc byte[Jt808Header.MaxBodyLength];
        var length = WriteRegistrationResponseBody(body, request, result, authCode);
        return Jt808FrameWriter.Write(destination, request.ForReply(Jt808MessageIds.RegistrationResponse, platformSerial), body[..length]);
    }

    private static void WriteGeneralResponseBody(Span<byte> body, in Jt808Header request, Jt808ReplyResult result)
    {
        BinaryPrimitives.WriteUInt16BigEndian(body, request.SerialNumber);
        BinaryPrimitives.WriteUInt16BigEndian(body[2..], request.MessageId);
        body[4] = (byte)result;
    }

    private static int WriteRegistrationResponseBody(
        Span<byte> body,
        in Jt808Header request,
        Jt808RegistrationResult result,
        string? authCode)
    {
        BinaryPrimitives.WriteUInt16BigEndian(body, request.SerialNumber);
        body[2] = (byte)result;
        if (result != Jt808RegistrationResult.Success)
        {
            return 3;
        }

        if (string.IsNullOrEmpty(authCode))
        {
            throw new ArgumentException("A successful registration response carries an auth code.", nameof(authCode));
        }

        if (Jt808Text.Gbk.GetByteCount(authCode) > MaxAuthCodeLength)
        {
            throw new ArgumentException(
                FormattableString.Invariant($"Auth code exceeds {MaxAuthCodeLength} GBK bytes."), nameof(authCode));
        }

        return 3 + Jt808Text.Gbk.GetBytes(authCode, body[3..]);
    }
}
