using System.Globalization;
using HazChem.Transport.Simulator.Jt808;

namespace HazChem.Transport.Simulator.Fleet;

/// <summary>What a simulated truck does besides driving its route.</summary>
internal enum TruckBehaviour
{
    Normal,

    /// <summary>Leaves its route by ~1.5 km for a while (alarm bit 23 set meanwhile).</summary>
    Deviating,

    /// <summary>Drives at ~100 km/h for a while (alarm bit 1 set meanwhile).</summary>
    Speeding,

    /// <summary>Its route crosses the synthetic restricted zone a few minutes after the start.</summary>
    RestrictedZone,

    /// <summary>Loses signal for a while, then uploads the held fixes as 0x0704 blind-area batches.</summary>
    Silent,
}

/// <summary>One simulated truck.</summary>
internal sealed record TruckPlan(
    int Index,
    string Plate,
    string TerminalPhone,
    Jt808Edition Edition,
    TruckBehaviour Behaviour,
    Route Route,
    double StartDistanceM,
    double CruiseKmh,
    bool HasWaybill)
{
    public Jt808TerminalIdentity Terminal { get; } = new(TerminalPhone, Edition);
}

/// <summary>How the fleet is built and when behaviours happen.</summary>
internal sealed record FleetOptions
{
    /// <summary>Number of trucks.</summary>
    public int Vehicles { get; init; } = 10;

    /// <summary>Seed of the pseudo-random generator: the same seed gives the same fleet.</summary>
    public int Seed { get; init; } = 808;

    /// <summary>Issuing-authority letters of the plates, 100,000 plates each (渝D00000, 渝D00001 …).</summary>
    public string PlateLetters { get; init; } = "DEFGH";

    /// <summary>First digits of the 12-digit terminal phones; the truck index fills the rest.</summary>
    public string PhonePrefix { get; init; } = "0145";

    /// <summary>Every Nth truck, and every anomalous one, gets an active waybill when seeding (1 = all, 0 = none).</summary>
    public int WaybillEvery { get; init; } = 2;

    /// <summary>Length of one behaviour cycle; anomalies repeat every cycle.</summary>
    public TimeSpan Cycle { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>When, within a cycle, deviation, speeding and silence start.</summary>
    public TimeSpan AnomalyStart { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a deviation or speeding episode lasts.</summary>
    public TimeSpan AnomalyDuration { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>How long a silent truck stays without signal.</summary>
    public TimeSpan SilenceDuration { get; init; } = TimeSpan.FromMinutes(3);
}

/// <summary>Builds the fleet: plates, phones, editions (2013 and 2019 alternate), behaviours and routes.</summary>
internal static class FleetPlanner
{
    public static IReadOnlyList<TruckPlan> Plan(FleetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Vehicles < 1 || options.Vehicles > options.PlateLetters.Length * 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Vehicles, $"vehicles must be 1 to {options.PlateLetters.Length * 100_000}.");
        }

        var random = new Random(options.Seed);
        var trucks = new List<TruckPlan>(options.Vehicles);
        for (var i = 0; i < options.Vehicles; i++)
        {
            var behaviour = BehaviourOf(i);
            var route = behaviour == TruckBehaviour.RestrictedZone ? RouteGenerator.ThroughRestrictedZone(random) : RouteGenerator.Normal(random);

            // Zone trucks start ~3 km before the zone so they enter it within minutes; others anywhere on the first half.
            var start = behaviour == TruckBehaviour.RestrictedZone
                ? Math.Max(0, (route.FirstDistanceInside(Chongqing.RestrictedZone) ?? 0) - 3_000)
                : random.NextDouble() * route.LengthM / 2;
            trucks.Add(new TruckPlan(
                i,
                PlateOf(options, i),
                PhoneOf(options, i),
                i % 2 == 0 ? Jt808Edition.V2013 : Jt808Edition.V2019,
                behaviour,
                route,
                start,
                CruiseKmh: 50 + (random.NextDouble() * 20),
                // Route deviation, zone bans and offline checks all need an active waybill, so every anomalous truck has one.
                HasWaybill: options.WaybillEvery > 0 && (i % options.WaybillEvery == 0 || behaviour != TruckBehaviour.Normal)));
        }

        return trucks;
    }

    /// <summary>Trucks 1–4 of every 20 are the anomalies (deviating, speeding, restricted zone, silent); the rest drive normally.</summary>
    public static TruckBehaviour BehaviourOf(int index) => (index % 20) switch
    {
        1 => TruckBehaviour.Deviating,
        2 => TruckBehaviour.Speeding,
        3 => TruckBehaviour.RestrictedZone,
        4 => TruckBehaviour.Silent,
        _ => TruckBehaviour.Normal,
    };

    public static string PlateOf(FleetOptions options, int index)
    {
        ArgumentNullException.ThrowIfNull(options);
        return "渝" + options.PlateLetters[index / 100_000] + (index % 100_000).ToString("D5", CultureInfo.InvariantCulture);
    }

    public static string PhoneOf(FleetOptions options, int index)
    {
        ArgumentNullException.ThrowIfNull(options);
        var digits = 12 - options.PhonePrefix.Length;
        return options.PhonePrefix + index.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }
}
