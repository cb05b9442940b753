using HazChem.Transport.Telemetry.Jt808;
using HazChem.Transport.Telemetry.Options;
using HazChem.Transport.Telemetry.Registry;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.Telemetry.Tcp;

/// <summary>Decoding settings per terminal from configuration: the default (GMT+8) and per-phone clock overrides.</summary>
internal sealed class Jt808Profiles
{
    private readonly Dictionary<string, Jt808TerminalProfile> _byPhone;

    public Jt808Profiles(IOptions<Jt808Options> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        Default = new Jt808TerminalProfile
        {
            ClockUtcOffset = settings.DefaultClockOffset,
            TolerateBrokenAdditionalItems = settings.TolerateBrokenAdditionalItems,
        };
        _byPhone = settings.TerminalClockOffsets.ToDictionary(
            kv => QualificationVehicleDirectory.Normalize(kv.Key),
            kv => Default with { ClockUtcOffset = kv.Value },
            StringComparer.Ordinal);
    }

    public Jt808TerminalProfile Default { get; }

    /// <summary>The profile of a terminal (its normalised phone); the default when none is configured.</summary>
    public Jt808TerminalProfile For(in Jt808TerminalPhone phone) =>
        _byPhone.Count == 0 ? Default : _byPhone.GetValueOrDefault(phone.ToString(), Default);
}
