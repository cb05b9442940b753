namespace HazChem.Transport.LoadingCheck.Domain;

/// <summary>The stable codes of DOMAIN.md section L.</summary>
internal static class LoadingCheckCodes
{
    public const string VehicleDocs = "L-VEHICLE-DOCS";
    public const string Personnel = "L-PERSONNEL";
    public const string Inspection = "L-INSPECTION";
    public const string GoodsMatch = "L-GOODS-MATCH";
    public const string TankMedium = "L-TANK-MEDIUM";
    public const string GpsOnline = "L-GPS-ONLINE";
    public const string Blacklist = "L-BLACKLIST";
    public const string Quantity = "L-QUANTITY";
    public const string Record = "L-RECORD";
}
