using HazChem.Transport.ServiceDefaults.Errors;
using HazChem.Transport.Waybill.Domain;

namespace HazChem.Transport.Waybill.Tests;

/// <summary>A valid waybill and registry for the rules to bend one field at a time.</summary>
internal static class Samples
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    public static readonly ValidationLimits Limits = new(500, 20_000);

    public static readonly RuleSettings Rules = new(RoadPassRequired: true, new HashSet<string>(StringComparer.Ordinal) { "1051", "1613", "1614", "1680", "1689" });

    private static readonly Lazy<DangerousGoodsList> BuiltInList = new(DangerousGoodsCsv.LoadBuiltIn);

    public static DangerousGoodsList BuiltIn => BuiltInList.Value;

    /// <summary>The full list shipped with the shared data (../shared/data next to the repository), or null when it is absent.</summary>
    public static string? FullListPath
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "HazChem.Transport.sln")))
                {
                    var path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "dangerous-goods", "un_dangerous_goods.csv"));
                    return File.Exists(path) ? path : null;
                }
            }

            return null;
        }
    }

    /// <summary>The full list path; skips the test with the reason when the shared data is absent.</summary>
    public static string RequireFullList() =>
        FullListPath ?? throw Xunit.Sdk.SkipException.ForSkip("../shared/data/dangerous-goods/un_dangerous_goods.csv is absent next to the repository; the full dangerous-goods list tests need it.");

    public static GoodsInput Goods(string un = "1203", string hazardClass = "3", string packingGroup = "II", double kg = 20000, string name = "车用汽油") =>
        new(un, name, hazardClass, packingGroup, kg);

    public static WaybillInput Input(params GoodsInput[] goods) => new(
        new PartyInput("重庆某石化公司", "023-60000001"),
        new PartyInput("涪陵某加油站", "023-60000002"),
        new PartyInput("长寿油库", "023-60000003"),
        goods.Length == 0 ? [Goods()] : goods,
        "渝A12345",
        "",
        "TK5000001",
        "driver-1",
        "escort-1",
        new PlaceInput("长寿油库", 106.50, 29.60),
        new PlaceInput("涪陵", 106.90, 29.40),
        new RouteInput(CoordinateSystem.Wgs84, [[106.50, 29.60], [106.70, 29.50], [106.90, 29.40]], 500),
        new WindowInput(Now.AddHours(17), Now.AddHours(26)),
        "023-12345678",
        "");

    public static WaybillContent Content(params GoodsInput[] goods) => WaybillValidator.Validate(Input(goods), BuiltIn, Limits, Now);

    public static RegistryFacts Facts(double ratedLoadKg = 30000, double tankMaxKg = 21000, params Finding[] findings) => new(
        new CarrierFacts("carrier-1", "渝交运管许可字500000000001号"),
        new VehicleFacts("渝A12345", "carrier-1", IsTankVehicle: true, "TankTruck", ratedLoadKg),
        null,
        new TankFacts("TK5000001", new Dictionary<string, double>(StringComparer.Ordinal) { ["1203"] = tankMaxKg, ["1202"] = 25000 }),
        new PersonFacts("driver-1", "500101199001011234"),
        new PersonFacts("escort-1", "500101198506151234"),
        findings);
}
