namespace HazChem.Transport.Waybill.Domain;

/// <summary>The stable rule codes of DOMAIN.md this service reports.</summary>
internal static class RuleCodes
{
    public const string Required = "W-REQUIRED";
    public const string UnKnown = "W-UN-KNOWN";
    public const string UnMatch = "W-UN-MATCH";
    public const string OneActive = "W-ONE-ACTIVE";
    public const string Qualified = "W-QUALIFIED";
    public const string LoadRated = "W-LOAD-RATED";
    public const string LoadTank = "W-LOAD-TANK";
    public const string HighHazardPass = "W-HIGH-HAZARD-PASS";
    public const string Retention = "W-RETENTION";

    /// <summary>A lifecycle change the waybill's status does not allow (e.g. depart before loading).</summary>
    public const string State = "W-STATE";

    /// <summary>Loaded goods that are not the waybill's goods (pre-loading rule, checked again on MarkWaybillLoaded).</summary>
    public const string GoodsMatch = "L-GOODS-MATCH";

    /// <summary>Loaded mass above the waybill quantity (定量装车, checked again on MarkWaybillLoaded).</summary>
    public const string Quantity = "L-QUANTITY";
}
