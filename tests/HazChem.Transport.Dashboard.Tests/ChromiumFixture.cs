using HazChem.Transport.TestSupport;
using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(HazChem.Transport.Dashboard.Tests.ChromiumFixture))]

namespace HazChem.Transport.Dashboard.Tests;

/// <summary>
/// One headless Chromium for the whole assembly: Debian's <c>chromium</c> (installed by <c>.ci/run</c>), driven by
/// Playwright through <c>ExecutablePath</c>, so nothing is downloaded. Missing browser: skipped with the reason,
/// or failed with it under <c>CI=true</c> (<see cref="ComponentPolicy"/>).
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    /// <summary>Overrides the browser binary.</summary>
    public const string PathVariable = "HAZCHEM_TEST_CHROMIUM";

    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private string? _unavailable;

    /// <summary>The running browser; call <see cref="Require"/> first.</summary>
    public IBrowser Browser => Require();

    /// <summary>Where screenshots go: <c>artifacts/</c> in the test output folder.</summary>
    public static string ArtifactsDirectory { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;

    public async ValueTask InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(PathVariable);
        var executable = string.IsNullOrWhiteSpace(configured) ? Candidates.FirstOrDefault(File.Exists) : configured;
        if (executable is null || !File.Exists(executable))
        {
            _unavailable = $"No Chromium at {(string.IsNullOrWhiteSpace(configured) ? string.Join(" or ", Candidates) : $"{PathVariable}={configured}")}; install Debian's chromium (apt-get install chromium; .ci/run does).";
            return;
        }

        // Expectations wait up to 30 s (Playwright's default is 5 s): the stack shares 2 cores with the build.
        Assertions.SetDefaultExpectTimeout(30_000);
        try
        {
            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = executable,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
            });
        }
        catch (PlaywrightException ex)
        {
            _unavailable = $"Chromium at {executable} did not start under Playwright: {ex.Message}";
        }
    }

    /// <summary>The browser, or the skip (or CI failure) naming why there is none.</summary>
    public IBrowser Require() => _browser ?? throw ComponentPolicy.Unavailable(_unavailable ?? "Chromium was not started.");

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
