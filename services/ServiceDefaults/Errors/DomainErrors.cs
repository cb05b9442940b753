namespace HazChem.Transport.ServiceDefaults.Errors;

/// <summary>One bad input field: <paramref name="Field"/> is the JSON path (<c>goods[0].unNumber</c>).</summary>
public sealed record FieldViolation(string Field, string Description);

/// <summary>One business-rule finding with its stable DOMAIN.md code (<c>Q-CARRIER-PERMIT</c>).</summary>
public sealed record Finding(string Code, string Subject, string Message, bool Blocking = true);

/// <summary>
/// A refusal that domain code raises; the gRPC interceptor turns each kind into its status code with
/// <c>google.rpc.Status</c> details, so gRPC classes and rules never build <c>RpcException</c>s by hand.
/// </summary>
public abstract class DomainException : Exception
{
    /// <summary>Creates the exception with a human-readable summary.</summary>
    protected DomainException(string message)
        : base(message)
    {
    }
}

/// <summary>Malformed input → INVALID_ARGUMENT (HTTP 400) with <c>BadRequest</c> field violations.</summary>
public sealed class InvalidInputException : DomainException
{
    /// <summary>Creates the exception; every violation is reported, not just the first.</summary>
    public InvalidInputException(IReadOnlyList<FieldViolation> violations)
        : base(Summarise(violations))
    {
        Violations = violations;
    }

    /// <summary>Creates the exception for one field.</summary>
    public InvalidInputException(string field, string description)
        : this([new FieldViolation(field, description)])
    {
    }

    /// <summary>Every bad field.</summary>
    public IReadOnlyList<FieldViolation> Violations { get; }

    private static string Summarise(IReadOnlyList<FieldViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        return "Invalid input: " + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}"));
    }
}

/// <summary>A business refusal → FAILED_PRECONDITION (HTTP 422) carrying every finding with its code.</summary>
public sealed class RuleRefusalException : DomainException
{
    /// <summary>Creates the exception; all findings are reported together.</summary>
    public RuleRefusalException(IReadOnlyList<Finding> findings)
        : base(Summarise(findings))
    {
        Findings = findings;
    }

    /// <summary>Every finding, blocking or not.</summary>
    public IReadOnlyList<Finding> Findings { get; }

    private static string Summarise(IReadOnlyList<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        return "Refused: " + string.Join("; ", findings.Select(f => $"{f.Code} ({f.Subject}): {f.Message}"));
    }
}

/// <summary>The addressed resource does not exist → NOT_FOUND (HTTP 404).</summary>
public sealed class NotFoundException(string resourceType, string resourceId)
    : DomainException($"{resourceType} '{resourceId}' was not found.")
{
    /// <summary>What kind of resource (e.g. <c>carrier</c>).</summary>
    public string ResourceType { get; } = resourceType;

    /// <summary>Its id as given.</summary>
    public string ResourceId { get; } = resourceId;
}

/// <summary>The caller may not touch this resource (e.g. another carrier's waybill) → PERMISSION_DENIED (HTTP 403).</summary>
public sealed class AccessDeniedException(string message) : DomainException(message);

/// <summary>The resource already exists → ALREADY_EXISTS (HTTP 409).</summary>
public sealed class AlreadyExistsException(string resourceType, string resourceId)
    : DomainException($"{resourceType} '{resourceId}' already exists.")
{
    /// <summary>What kind of resource.</summary>
    public string ResourceType { get; } = resourceType;

    /// <summary>Its id.</summary>
    public string ResourceId { get; } = resourceId;
}
