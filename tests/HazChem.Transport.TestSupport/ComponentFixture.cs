using Xunit;

namespace HazChem.Transport.TestSupport;

/// <summary>
/// Base of the fixtures that start or locate a real component. <see cref="InitializeAsync"/> never
/// throws: it tries each source in order and records why each one failed; a test calls
/// <see cref="Require"/> first, which skips or fails (see <see cref="ComponentPolicy"/>) with that record.
/// Usable as a class, collection or assembly fixture.
/// </summary>
public abstract class ComponentFixture : IAsyncLifetime
{
    private readonly List<string> _failedAttempts = [];
    private bool _initialized;
    private bool _available;

    /// <summary>Creates the fixture for the named component, e.g. <c>PostgreSQL</c>.</summary>
    protected ComponentFixture(string componentName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(componentName);
        ComponentName = componentName;
    }

    /// <summary>The component's name as it appears in skip and failure reasons.</summary>
    public string ComponentName { get; }

    /// <summary>Whether a source answered; when false, <see cref="UnavailableReason"/> says why.</summary>
    public bool IsAvailable => _initialized && _available;

    /// <summary>Where the component came from, e.g. "throw-away cluster from /usr/lib/postgresql/15/bin".</summary>
    public string? Source { get; private set; }

    /// <summary>Every source tried and why it failed; null while the component is available.</summary>
    public string? UnavailableReason => IsAvailable
        ? null
        : _initialized
            ? $"{ComponentName} is unavailable. Tried: " + string.Join(" | ", _failedAttempts)
            : $"{ComponentName} fixture was not initialised (use it as an xunit class, collection or assembly fixture).";

    /// <summary>
    /// When false (the default), an unavailable component fails the test on CI. Docker-only fixtures
    /// return true while no Docker engine answers.
    /// </summary>
    protected virtual bool SkipEvenInCi => false;

    /// <summary>
    /// Call first in every test that uses the component: returns when it is available, otherwise skips
    /// the test with <see cref="UnavailableReason"/>, or on CI fails it with that reason.
    /// </summary>
    public void Require()
    {
        if (!IsAvailable)
        {
            throw ComponentPolicy.Unavailable(UnavailableReason!, SkipEvenInCi);
        }
    }

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        try
        {
            _available = await StartAsync(TestContext.Current.CancellationToken);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A fixture bug must still surface as a stated reason, not as an opaque fixture failure.
            RecordFailure($"unexpected {ex.GetType().Name} while starting: {ex.Message}");
            _available = false;
        }

        _initialized = true;
        if (!_available && _failedAttempts.Count == 0)
        {
            RecordFailure("no source was tried");
        }

        TestContext.Current.SendDiagnosticMessage(_available
            ? $"{ComponentName}: using {Source}"
            : UnavailableReason!);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Tries each source in order; returns true after <see cref="UseSource"/> for the first that answers.</summary>
    protected abstract Task<bool> StartAsync(CancellationToken cancellationToken);

    /// <summary>Stops whatever <see cref="StartAsync"/> started; must tolerate a partial start.</summary>
    protected abstract ValueTask StopAsync();

    /// <summary>Records one failed source: what was tried and why it failed.</summary>
    protected void RecordFailure(string attempt) => _failedAttempts.Add(attempt);

    /// <summary>Records the source that answered.</summary>
    protected void UseSource(string source) => Source = source;
}
