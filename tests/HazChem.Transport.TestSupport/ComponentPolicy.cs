using Xunit.Sdk;

namespace HazChem.Transport.TestSupport;

/// <summary>
/// The one place that decides what a test does when a component it needs is unavailable:
/// skip with the reason on a developer machine, fail with the reason on CI, and always skip
/// (with the reason) a Docker-only test when no Docker engine answers.
/// </summary>
public static class ComponentPolicy
{
    /// <summary>The environment variable CI sets; <c>true</c> (or <c>1</c>) turns skips into failures.</summary>
    public const string CiEnvironmentVariable = "CI";

    /// <summary>Whether this run is CI (<c>CI=true</c> or <c>CI=1</c>).</summary>
    public static bool IsCi => IsTruthy(Environment.GetEnvironmentVariable(CiEnvironmentVariable));

    /// <summary>
    /// Returns the exception a test should throw because a component is unavailable: an xunit dynamic
    /// skip carrying <paramref name="reason"/>, or on CI a <see cref="ComponentUnavailableException"/>
    /// carrying it, unless <paramref name="skipEvenInCi"/> (Docker-only tests with no Docker engine).
    /// </summary>
    /// <param name="reason">What was tried and why each attempt failed.</param>
    /// <param name="skipEvenInCi">Skip on CI too; only for tests that need Docker when none answers.</param>
    public static Exception Unavailable(string reason, bool skipEvenInCi = false) =>
        Unavailable(reason, skipEvenInCi, IsCi);

    internal static Exception Unavailable(string reason, bool skipEvenInCi, bool isCi)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (isCi && !skipEvenInCi)
        {
            return new ComponentUnavailableException(
                $"{reason} [CI={Environment.GetEnvironmentVariable(CiEnvironmentVariable)}: CI never skips this test, so it fails.]");
        }

        var hint = skipEvenInCi
            ? " [Docker-only test: skipped wherever no Docker engine answers, CI included.]"
            : " [Skipped outside CI; with CI=true this test fails instead.]";
        return SkipException.ForSkip(reason + hint);
    }

    private static bool IsTruthy(string? value) =>
        string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) || value == "1";
}
