using System.Collections.Concurrent;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HazChem.Transport.Dashboard.Tests;

/// <summary>
/// One browser context on the dashboard. Every request is recorded; a request to any origin other than the
/// gateway's host is intercepted, recorded and aborted (the page must load nothing from elsewhere).
/// Uncaught script errors are recorded too.
/// </summary>
public sealed class DashboardSession : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    private DashboardSession(IBrowserContext context, IPage page, Uri gateway)
    {
        _context = context;
        Page = page;
        Gateway = gateway;
    }

    public IPage Page { get; }

    public Uri Gateway { get; }

    /// <summary>Every URL the page asked for, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Requests to another origin (aborted).</summary>
    public ConcurrentQueue<string> ExternalRequests { get; } = new();

    /// <summary>Uncaught exceptions and console errors.</summary>
    public ConcurrentQueue<string> ScriptErrors { get; } = new();

    public static async Task<DashboardSession> OpenAsync(IBrowser browser, Uri gateway, string path = "")
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1600, Height = 900 },
            Locale = "zh-CN",
            TimezoneId = "UTC", // The page must show Asia/Shanghai times whatever the browser's zone.
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        var session = new DashboardSession(context, page, gateway);
        await context.RouteAsync(url => !session.IsGatewayOrigin(url), async route =>
        {
            session.ExternalRequests.Enqueue(route.Request.Url);
            await route.AbortAsync("blockedbyclient");
        });
        page.Request += (_, request) => session.Requests.Enqueue(request.Url);
        page.PageError += (_, error) => session.ScriptErrors.Enqueue($"uncaught: {error}");
        page.Console += (_, message) =>
        {
            // A refused API call is logged by the browser as a failed resource; those are expected in some tests.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                session.ScriptErrors.Enqueue($"console: {message.Text}");
            }
        };
        await page.GotoAsync(new Uri(gateway, path).ToString());
        return session;
    }

    /// <summary>Signs in through the dev token role picker and waits for the console.</summary>
    public async Task SignInAsync(string role, string subject)
    {
        var form = Page.Locator("#dev-signin");
        await Expect(form).ToBeVisibleAsync();
        await form.Locator("select[name=role]").SelectOptionAsync(role);
        await form.Locator("input[name=subject]").FillAsync(subject);
        await form.Locator("button[type=submit]").ClickAsync();
        await Expect(Page.Locator("#user-role")).ToHaveTextAsync(role);
        await Expect(Page.Locator("#workspace")).ToBeVisibleAsync();
    }

    public async Task SignOutAsync()
    {
        await Page.Locator("#sign-out").ClickAsync();
        await Expect(Page.Locator("#signin")).ToBeVisibleAsync();
    }

    /// <summary>Saves a full-page screenshot as artifacts/&lt;name&gt;.png in the test output folder.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var path = Path.Combine(ChromiumFixture.ArtifactsDirectory, name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();

    private bool IsGatewayOrigin(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme is "data" or "blob"
            || (uri.Scheme is "http" or "https" or "ws" or "wss" && string.Equals(uri.Host, Gateway.Host, StringComparison.OrdinalIgnoreCase) && uri.Port == Gateway.Port));
}
