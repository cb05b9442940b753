namespace HazChem.Transport.Telemetry.Jt808;

/// <summary>What is wrong with a frame or body received from a terminal.</summary>
internal enum Jt808ErrorKind
{
    /// <summary>Fewer bytes than the header (plus the checksum byte) needs.</summary>
    TruncatedHeader,

    /// <summary>The body is shorter than its fixed part or than a length field inside it says.</summary>
    TruncatedBody,

    /// <summary>The header's body length differs from the number of body bytes the frame carries.</summary>
    BodyLengthMismatch,

    /// <summary>The XOR checksum of the unescaped header and body differs from the checksum byte.</summary>
    BadChecksum,

    /// <summary>0x7D followed by anything but 0x01 or 0x02, or a dangling 0x7D before the end flag.</summary>
    BadEscape,

    /// <summary>More bytes between two 0x7E flags (or without an end flag) than any valid frame has.</summary>
    FrameTooLong,

    /// <summary>An additional-information item (or a 0x0704 batch item) runs past the end of the body.</summary>
    OverrunningItem,

    /// <summary>A BCD field holds a nibble greater than 9.</summary>
    InvalidBcd,

    /// <summary>A BCD time that is not a calendar date and time of day (month 13, 31 April, 25 h ...).</summary>
    ImpossibleTime,

    /// <summary>A count field disagrees with the items that follow it.</summary>
    CountMismatch,

    /// <summary>The body is encrypted (body properties bits 10–12), which this platform does not support.</summary>
    EncryptedBody,
}

/// <summary>
/// A rejected frame or body. <see cref="Reason"/> names what is wrong and where, ready to be logged;
/// <see cref="Offset"/> is the byte position the reason refers to (its unit — frame on the wire,
/// unescaped frame, body — is named in the reason), or -1 when the problem is not tied to one byte.
/// </summary>
internal sealed record Jt808Error(Jt808ErrorKind Kind, string Reason, int Offset)
{
    public override string ToString() => $"{Kind}: {Reason}";
}
