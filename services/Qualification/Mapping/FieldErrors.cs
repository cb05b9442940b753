using HazChem.Transport.ServiceDefaults.Errors;

namespace HazChem.Transport.Qualification.Mapping;

/// <summary>Collects every bad field of a request (JSON paths in lowerCamelCase) so the caller hears of all at once.</summary>
internal sealed class FieldErrors
{
    private readonly List<FieldViolation> _violations = [];

    public void Add(string field, string description) => _violations.Add(new FieldViolation(field, description));

    /// <summary>Throws <see cref="InvalidInputException"/> with every violation when there is any.</summary>
    public void ThrowIfAny()
    {
        if (_violations.Count > 0)
        {
            throw new InvalidInputException(_violations);
        }
    }
}
