namespace HazChem.Transport.Qualification.Domain;

/// <summary>Why goods count as high-hazard.</summary>
internal enum HighHazardCategory
{
    /// <summary>剧毒化学品 (e.g. UN1689 sodium cyanide): tanks ≤ 10 m³.</summary>
    Toxic,

    /// <summary>易制爆危险化学品 (e.g. UN1942 ammonium nitrate).</summary>
    ExplosivePrecursor,

    /// <summary>Any other goods a deployment lists as needing explicit naming in the permit.</summary>
    Other,
}

/// <summary>One high-hazard goods entry: a carrier needs a permit whose high-hazard scope names its UN number.</summary>
internal sealed record HighHazardGoods(string UnNumber, string Name, HighHazardCategory Category)
{
    /// <summary>The Chinese category name used in messages.</summary>
    public string CategoryLabel => Category switch
    {
        HighHazardCategory.Toxic => "剧毒 (highly toxic)",
        HighHazardCategory.ExplosivePrecursor => "易制爆 (explosive precursor)",
        _ => "high-hazard",
    };
}

/// <summary>Tank capacity limits of Q-TANK-SIZE (管理规定 第8条; configuration, as the source is secondary).</summary>
internal sealed record TankSizeLimits(
    double ToxicMaxLitres, double ExplosiveMaxLitres, double StrongCorrosiveMaxLitres, IReadOnlySet<string> StrongCorrosiveUnNumbers);

/// <summary>The data the Q- rules depend on that a deployment configures: high-hazard goods and tank size limits.</summary>
internal sealed class QualificationPolicy
{
    private readonly Dictionary<string, HighHazardGoods> _highHazard;

    public QualificationPolicy(IEnumerable<HighHazardGoods> highHazardGoods, TankSizeLimits tankSize)
    {
        ArgumentNullException.ThrowIfNull(highHazardGoods);
        _highHazard = highHazardGoods.ToDictionary(g => g.UnNumber, StringComparer.Ordinal);
        TankSize = tankSize;
    }

    /// <summary>Tank capacity limits.</summary>
    public TankSizeLimits TankSize { get; }

    /// <summary>The high-hazard entry of a UN number, or null.</summary>
    public HighHazardGoods? HighHazard(string unNumber) => _highHazard.GetValueOrDefault(unNumber);

    /// <summary>The strictest tank capacity limit for one goods line and why, or null when none applies.</summary>
    public (double MaxLitres, string Reason)? TankLimit(GoodsLine goods)
    {
        ArgumentNullException.ThrowIfNull(goods);
        var limits = new List<(double, string)>();
        if (HighHazard(goods.UnNumber) is { Category: HighHazardCategory.Toxic })
        {
            limits.Add((TankSize.ToxicMaxLitres, "剧毒 (highly toxic)"));
        }

        if (HazardClass.IsExplosive(goods.HazardClass))
        {
            limits.Add((TankSize.ExplosiveMaxLitres, "explosive (class 1)"));
        }

        if (TankSize.StrongCorrosiveUnNumbers.Contains(goods.UnNumber))
        {
            limits.Add((TankSize.StrongCorrosiveMaxLitres, "strongly corrosive"));
        }

        return limits.Count == 0 ? null : limits.MinBy(l => l.Item1);
    }
}
