namespace HazChem.Transport.Telemetry.Jt808;

/// <summary>Edition of a 0x0100 registration body (field widths differ).</summary>
internal enum Jt808RegistrationEdition
{
    /// <summary>Manufacturer 5, model 8, terminal id 7 bytes (25-byte fixed part).</summary>
    V2011,

    /// <summary>Manufacturer 5, model 20, terminal id 7 bytes (37-byte fixed part).</summary>
    V2013,

    /// <summary>Manufacturer 11, model 30, terminal id 30 bytes (76-byte fixed part).</summary>
    V2019,
}

/// <summary>
/// Per-terminal decoding settings, for devices that deviate from the standard. <see cref="Default"/> follows
/// the standard and is strict.
/// </summary>
internal sealed record Jt808TerminalProfile
{
    private static readonly TimeSpan MinOffset = TimeSpan.FromHours(-14);
    private static readonly TimeSpan MaxOffset = TimeSpan.FromHours(14);
    private readonly TimeSpan _clockUtcOffset = TimeSpan.FromHours(8);

    public static Jt808TerminalProfile Default { get; } = new();

    /// <summary>Zone of the terminal's clock. The standard says GMT+8; devices sold abroad often send UTC or local time.</summary>
    public TimeSpan ClockUtcOffset
    {
        get => _clockUtcOffset;
        init
        {
            // Same bounds as DateTimeOffset: a wrong configuration fails when the profile is built, not per fix.
            if (value < MinOffset || value > MaxOffset || value.Ticks % TimeSpan.TicksPerMinute != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Clock offset must be whole minutes within ±14 h.");
            }

            _clockUtcOffset = value;
        }
    }

    /// <summary>
    /// Forces the 0x0100 edition. Without it: 2019 header → 2019, else body ≥ 37 bytes → 2013, else 2011
    /// (a 2011 body with a plate of 12+ bytes cannot be told from 2013, hence the override).
    /// </summary>
    public Jt808RegistrationEdition? RegistrationEdition { get; init; }

    /// <summary>
    /// Keep a location whose additional items are broken (an item running past the body, a dangling id byte;
    /// in 0x0704 a batch item running past the body): basic information and the items before the bad one are
    /// kept and the problem is reported in <see cref="Jt808Position.AdditionalItemsError"/> /
    /// <see cref="Jt808BatchLocationUpload.StructureError"/>. Off by default: such a report is rejected.
    /// </summary>
    public bool TolerateBrokenAdditionalItems { get; init; }
}
