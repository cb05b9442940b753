namespace HazChem.Transport.TestSupport;

/// <summary>
/// Thrown instead of a skip when a component a test needs could not be had and the run is CI
/// (<c>CI=true</c>): CI must never skip the PostgreSQL, Redis or Kafka tests (DESIGN.md §6).
/// </summary>
public sealed class ComponentUnavailableException : Exception
{
    /// <summary>Creates the exception with no message.</summary>
    public ComponentUnavailableException()
    {
    }

    /// <summary>Creates the exception with the reason the component is unavailable.</summary>
    public ComponentUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the reason and the failure that caused it.</summary>
    public ComponentUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
