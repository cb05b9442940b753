using System.ComponentModel.DataAnnotations;
using HazChem.Transport.Qualification.Domain;

namespace HazChem.Transport.Qualification.Options;

/// <summary>
/// Qualification settings, section <c>Qualification</c>. The data the Q- rules depend on lives here, not in code
/// (DOMAIN.md: "keep the list in data"); the defaults ship in the service's <c>appsettings.json</c>.
/// <list type="bullet">
/// <item><c>Qualification__HighHazardGoods__N__UnNumber</c> / <c>__Name</c> / <c>__Category</c> (<c>Toxic</c> 剧毒,
/// <c>ExplosivePrecursor</c> 易制爆, <c>Other</c>): goods a carrier may carry only when its permit's
/// <c>highHazardScope</c> names the UN number. At least one entry is required.</item>
/// <item><c>Qualification__TankSize__ToxicMaxLitres</c> (10000), <c>__ExplosiveMaxLitres</c> (20000),
/// <c>__StrongCorrosiveMaxLitres</c> (20000), <c>__StrongCorrosiveUnNumbers__N</c>: Q-TANK-SIZE.</item>
/// </list>
/// </summary>
internal sealed class QualificationOptions : IValidatableObject
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Qualification";

    /// <summary>High-hazard goods (剧毒, 易制爆, ...) that need explicit naming in the carrier's permit.</summary>
    public List<HighHazardGoodsOptions> HighHazardGoods { get; set; } = [];

    /// <summary>Tank capacity limits (Q-TANK-SIZE).</summary>
    [Required]
    public TankSizeOptions TankSize { get; set; } = new();

    /// <summary>The domain policy these settings describe.</summary>
    public QualificationPolicy ToPolicy() => new(
        HighHazardGoods.Select(g => new HighHazardGoods(g.UnNumber, g.Name, g.Category)),
        new TankSizeLimits(
            TankSize.ToxicMaxLitres,
            TankSize.ExplosiveMaxLitres,
            TankSize.StrongCorrosiveMaxLitres,
            TankSize.StrongCorrosiveUnNumbers.ToHashSet(StringComparer.Ordinal)));

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (HighHazardGoods.Count == 0)
        {
            yield return new ValidationResult(
                "Qualification:HighHazardGoods must list at least one UN number (the service's appsettings.json ships the default list).",
                [nameof(HighHazardGoods)]);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < HighHazardGoods.Count; i++)
        {
            var goods = HighHazardGoods[i];
            if (!UnNumber.IsValid(goods.UnNumber))
            {
                yield return new ValidationResult(
                    $"Qualification:HighHazardGoods:{i}:UnNumber '{goods.UnNumber}' {UnNumber.Rule}.", [nameof(HighHazardGoods)]);
            }
            else if (!seen.Add(goods.UnNumber))
            {
                yield return new ValidationResult(
                    $"Qualification:HighHazardGoods:{i}:UnNumber '{goods.UnNumber}' is listed twice.", [nameof(HighHazardGoods)]);
            }

            if (!Enum.IsDefined(goods.Category))
            {
                yield return new ValidationResult(
                    $"Qualification:HighHazardGoods:{i}:Category must be Toxic, ExplosivePrecursor or Other.", [nameof(HighHazardGoods)]);
            }
        }

        foreach (var result in TankSize.Validate())
        {
            yield return result;
        }
    }
}

/// <summary>One high-hazard goods entry.</summary>
internal sealed class HighHazardGoodsOptions
{
    /// <summary>Four-digit UN number, e.g. <c>1689</c>.</summary>
    public string UnNumber { get; set; } = "";

    /// <summary>Name used in messages, e.g. <c>氰化钠</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>Why it is high-hazard.</summary>
    public HighHazardCategory Category { get; set; } = HighHazardCategory.Other;
}

/// <summary>Q-TANK-SIZE limits: ≤ 10 m³ for 剧毒 goods, ≤ 20 m³ for explosives and strong corrosives (管理规定 第8条, a secondary source).</summary>
internal sealed class TankSizeOptions
{
    /// <summary>Largest tank for 剧毒 goods (high-hazard entries of category Toxic), litres.</summary>
    public double ToxicMaxLitres { get; set; } = 10_000;

    /// <summary>Largest tank for explosives (class 1), litres.</summary>
    public double ExplosiveMaxLitres { get; set; } = 20_000;

    /// <summary>Largest tank for strong corrosives (<see cref="StrongCorrosiveUnNumbers"/>), litres.</summary>
    public double StrongCorrosiveMaxLitres { get; set; } = 20_000;

    /// <summary>UN numbers counted as strong corrosives (default list in appsettings.json: class 8, packing group I).</summary>
    public List<string> StrongCorrosiveUnNumbers { get; set; } = [];

    /// <summary>Every problem with these limits.</summary>
    public IEnumerable<ValidationResult> Validate()
    {
        (string Name, double Value)[] limits =
        [
            (nameof(ToxicMaxLitres), ToxicMaxLitres),
            (nameof(ExplosiveMaxLitres), ExplosiveMaxLitres),
            (nameof(StrongCorrosiveMaxLitres), StrongCorrosiveMaxLitres),
        ];
        foreach (var (name, value) in limits)
        {
            if (!double.IsFinite(value) || value <= 0)
            {
                yield return new ValidationResult($"Qualification:TankSize:{name} must be a positive number of litres.", [name]);
            }
        }

        for (var i = 0; i < StrongCorrosiveUnNumbers.Count; i++)
        {
            if (!UnNumber.IsValid(StrongCorrosiveUnNumbers[i]))
            {
                yield return new ValidationResult(
                    $"Qualification:TankSize:StrongCorrosiveUnNumbers:{i} '{StrongCorrosiveUnNumbers[i]}' {UnNumber.Rule}.",
                    [nameof(StrongCorrosiveUnNumbers)]);
            }
        }
    }
}
