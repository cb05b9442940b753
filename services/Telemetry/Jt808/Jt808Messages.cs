namespace HazChem.Transport.Telemetry.Jt808;

/// <summary>A decoded message body. The header stays on the <see cref="Jt808Frame"/>.</summary>
internal abstract record Jt808Message;

/// <summary>0x0002 terminal heartbeat (any vendor extra bytes are ignored).</summary>
internal sealed record Jt808Heartbeat : Jt808Message
{
    public static Jt808Heartbeat Instance { get; } = new();
}

/// <summary>0x0003 terminal logout.</summary>
internal sealed record Jt808Logout : Jt808Message
{
    public static Jt808Logout Instance { get; } = new();
}

/// <summary>0x0100 terminal registration. Text fields are GBK with 0x00/space padding trimmed.</summary>
internal sealed record Jt808Registration : Jt808Message
{
    public required Jt808RegistrationEdition Edition { get; init; }

    public required int ProvinceId { get; init; }

    public required int CityId { get; init; }

    public required string ManufacturerId { get; init; }

    public required string TerminalModel { get; init; }

    public required string TerminalId { get; init; }

    /// <summary>Raw terminal-id bytes as hex: some terminals put binary bytes there.</summary>
    public required string TerminalIdHex { get; init; }

    /// <summary>JT/T 415/697.7 colour: 0 unplated (plate field holds the VIN in 2019), 1 blue, 2 yellow, 3 black, 4 white, 5 green, 9 other.</summary>
    public required int PlateColor { get; init; }

    /// <summary>Plate (or VIN when unplated), e.g. 粤A12345.</summary>
    public required string Plate { get; init; }
}

/// <summary>0x0102 terminal authentication. IMEI and software version only in 2019.</summary>
internal sealed record Jt808Authentication(string AuthCode, string? Imei, string? SoftwareVersion) : Jt808Message;

/// <summary>0x0200 location report.</summary>
internal sealed record Jt808LocationReport(Jt808Position Position) : Jt808Message;

/// <summary>0x0704 batch type.</summary>
internal enum Jt808BatchType
{
    Normal = 0,

    /// <summary>Blind-area back-fill (盲区补报): fixes buffered while the terminal had no network.</summary>
    BlindArea = 1,
}

/// <summary>A 0x0704 item that was delimited correctly but could not be decoded.</summary>
internal sealed record Jt808BatchItemError(int Index, Jt808Error Error);

/// <summary>
/// 0x0704 batch / blind-area upload. Items are length-delimited, so one undecodable item (bad time ...) is
/// listed in <see cref="RejectedItems"/> and the others are kept.
/// </summary>
internal sealed record Jt808BatchLocationUpload : Jt808Message
{
    /// <summary>Raw type byte; 0 normal, 1 blind area (see <see cref="Jt808BatchType"/>).</summary>
    public required int Type { get; init; }

    public bool IsBlindArea => Type == (int)Jt808BatchType.BlindArea;

    public required int DeclaredCount { get; init; }

    public required IReadOnlyList<Jt808Position> Positions { get; init; }

    public required IReadOnlyList<Jt808BatchItemError> RejectedItems { get; init; }

    /// <summary>Only with a tolerant profile: why item parsing stopped early.</summary>
    public Jt808Error? StructureError { get; init; }
}

/// <summary>0x0001 terminal general response or 0x8001 platform general response (same body).</summary>
internal sealed record Jt808GeneralResponse(ushort ReplySerial, ushort ReplyMessageId, int Result) : Jt808Message;

/// <summary>0x8100 registration response (decoded for tests and tools; the platform sends it).</summary>
internal sealed record Jt808RegistrationResponse(ushort ReplySerial, int Result, string? AuthCode) : Jt808Message;

/// <summary>
/// One packet of a subpackaged message (header bit 13); its body is copied so it can wait for the other
/// packets. Reassembly by (terminal, message id, total) is up to the connection.
/// </summary>
internal sealed record Jt808Subpackage(ushort MessageId, int Total, int Index, ReadOnlyMemory<byte> Body) : Jt808Message;

/// <summary>A message id this codec does not decode (the server may answer 0x8001 "not supported").</summary>
internal sealed record Jt808UnsupportedMessage(ushort MessageId, int BodyLength) : Jt808Message;
