namespace HazChem.Transport.Qualification.Domain;

/// <summary>The stable codes of DOMAIN.md section Q.</summary>
internal static class QualificationCodes
{
    public const string CarrierPermit = "Q-CARRIER-PERMIT";
    public const string CarrierScope = "Q-CARRIER-SCOPE";
    public const string CarrierBlacklist = "Q-CARRIER-BLACKLIST";
    public const string VehicleOwned = "Q-VEHICLE-OWNED";
    public const string VehicleCert = "Q-VEHICLE-CERT";
    public const string VehicleInspection = "Q-VEHICLE-INSPECTION";
    public const string VehicleTerminal = "Q-VEHICLE-TERMINAL";
    public const string VehicleBlacklist = "Q-VEHICLE-BLACKLIST";
    public const string PersonCert = "Q-PERSON-CERT";
    public const string PersonRole = "Q-PERSON-ROLE";
    public const string PersonAge = "Q-PERSON-AGE";
    public const string PersonBlacklist = "Q-PERSON-BLACKLIST";
    public const string TankInspection = "Q-TANK-INSPECTION";
    public const string TankMedium = "Q-TANK-MEDIUM";
    public const string TankSize = "Q-TANK-SIZE";
}
