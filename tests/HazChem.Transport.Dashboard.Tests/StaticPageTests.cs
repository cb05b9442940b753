using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HazChem.Transport.Dashboard.Tests;

/// <summary>The page, its assets and sign-in, against the gateway alone (no service needed).</summary>
public sealed class StaticPageTests(ChromiumFixture chromium, GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task Page_Load_RequestsNothingOutsideTheGateway()
    {
        await using var session = await DashboardSession.OpenAsync(chromium.Require(), gateway.Address);

        await Expect(session.Page.Locator("#signin")).ToBeVisibleAsync();
        await session.SignInAsync("police", "officer-static");
        // Wait until the page has made its first calls: health, positions and the violations stream (all refused
        // or failing here, since no service runs; what matters is where they went).
        await Expect(session.Page.Locator("#feed-health")).Not.ToHaveAttributeAsync("data-state", "idle");
        await Expect(session.Page.Locator("#feed-positions")).Not.ToHaveAttributeAsync("data-state", "idle");
        await Expect(session.Page.Locator("#feed-violations")).Not.ToHaveAttributeAsync("data-state", "idle");
        await session.ScreenshotAsync("static-police-console");

        Assert.Empty(session.ExternalRequests);
        Assert.Contains(session.Requests, url => url.EndsWith("/lib/leaflet/leaflet.js", StringComparison.Ordinal));
        Assert.Contains(session.Requests, url => url.EndsWith("/config.json", StringComparison.Ordinal));
        // No tile server is configured: the map draws on its plain background.
        await Expect(session.Page.Locator("#map.plain")).ToBeVisibleAsync();
        await Expect(session.Page.Locator("#map img.leaflet-tile")).ToHaveCountAsync(0);
        Assert.Empty(session.ScriptErrors);
    }

    [Fact]
    public async Task Page_TileServerConfigured_AsksThatServerForBaseTiles()
    {
        // ?tiles= overrides config.json's "tiles" (null by default); the fake server's requests are aborted.
        await using var session = await DashboardSession.OpenAsync(chromium.Require(), gateway.Address,
            "?tiles=" + Uri.EscapeDataString("http://tiles.example.invalid/{z}/{x}/{y}.png"));

        await session.SignInAsync("police", "officer-tiles");

        await Expect(session.Page.Locator("#map img.leaflet-tile").First).ToBeAttachedAsync();
        await Expect(session.Page.Locator("#map.plain")).ToHaveCountAsync(0);
        Assert.NotEmpty(session.ExternalRequests);
        Assert.All(session.ExternalRequests, url => Assert.StartsWith("http://tiles.example.invalid/9/", url, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignIn_DevTokenRoles_ShowWhatEachRoleMayDo()
    {
        await using var session = await DashboardSession.OpenAsync(chromium.Require(), gateway.Address);
        var page = session.Page;

        await session.SignInAsync("police", "officer-1");
        await Expect(page.Locator("#user-subject")).ToHaveTextAsync("officer-1");
        await Expect(page.Locator(".tab[data-tab=violations]")).ToBeVisibleAsync();
        await Expect(page.Locator(".tab[data-tab=fleet]")).ToBeVisibleAsync();
        await Expect(page.Locator(".tab[data-tab=zones]")).ToBeVisibleAsync();
        await page.Locator(".tab[data-tab=zones]").ClickAsync();
        await Expect(page.Locator("#zone-import")).ToBeHiddenAsync();
        await session.SignOutAsync();

        await session.SignInAsync("admin", "authority-1");
        await page.Locator(".tab[data-tab=zones]").ClickAsync();
        await Expect(page.Locator("#zone-import")).ToBeVisibleAsync();
        await session.ScreenshotAsync("static-admin-zones");
        await session.SignOutAsync();

        await session.SignInAsync("carrier", "carrier-1");
        await Expect(page.Locator(".tab[data-tab=violations]")).ToBeHiddenAsync();
        await Expect(page.Locator(".tab[data-tab=fleet]")).ToBeVisibleAsync();
        await Expect(page.Locator("#feed-violations")).ToBeHiddenAsync();
        await session.SignOutAsync();

        Assert.Empty(session.ExternalRequests);
    }

    [Theory]
    [InlineData("", "no-cache")]
    [InlineData("js/main.js", "no-cache")]
    [InlineData("config.json", "no-cache")]
    [InlineData("lib/leaflet/leaflet.js", "public, max-age=86400")]
    public async Task StaticFile_Get_CarriesSecurityAndCachingHeaders(string path, string cacheControl)
    {
        using var http = new HttpClient { BaseAddress = gateway.Address };

        using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);

        response.EnsureSuccessStatusCode();
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal(cacheControl, response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task SignIn_PastedBearerToken_SignsInAndSurvivesReload()
    {
        using var http = new HttpClient { BaseAddress = gateway.Address };
        using var response = await http.PostAsJsonAsync("api/v1/dev/token", new { role = "admin", subject = "pasted-admin" }, TestContext.Current.CancellationToken);
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("token").GetString()!;
        await using var session = await DashboardSession.OpenAsync(chromium.Require(), gateway.Address);
        var page = session.Page;

        await page.Locator("#token-signin textarea[name=token]").FillAsync("Bearer " + token);
        await page.Locator("#token-signin button[type=submit]").ClickAsync();
        await Expect(page.Locator("#user-role")).ToHaveTextAsync("admin");
        await Expect(page.Locator("#user-subject")).ToHaveTextAsync("pasted-admin");
        await page.ReloadAsync();

        await Expect(page.Locator("#user-role")).ToHaveTextAsync("admin");
        await Expect(page.Locator("#workspace")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task SignIn_NotAToken_ShowsWhyAndStaysOnSignIn()
    {
        await using var session = await DashboardSession.OpenAsync(chromium.Require(), gateway.Address);
        var page = session.Page;

        await page.Locator("#token-signin textarea[name=token]").FillAsync("not-a-token");
        await page.Locator("#token-signin button[type=submit]").ClickAsync();

        await Expect(page.Locator("#signin-message")).ToContainTextAsync("JWT");
        await Expect(page.Locator("#workspace")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Fleet_TwoThousandVehicles_DrawnOnOneCanvasAndUpdatedInPlace()
    {
        await using var session = await DashboardSession.OpenAsync(chromium.Require(), gateway.Address);
        var page = session.Page;
        await session.SignInAsync("police", "officer-fleet");

        // Two polls' worth of positions for 2,000 trucks, applied as the poll loop applies them.
        var result = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const layer = window.hazchemDashboard.fleet.layer;
              const pane = document.querySelector('.leaflet-vehicles-pane');
              const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
              const batch = (k) => Array.from({ length: 2000 }, (_, i) => ({
                plate: `渝T${String(i).padStart(5, '0')}`, lat: 29.35 + (i % 50) * 0.008 + k * 0.002, lon: 106.35 + Math.floor(i / 50) * 0.01,
                speedKmh: i % 3 === 0 ? 0 : 45, headingDeg: (i * 7) % 360, fixTime: new Date().toISOString() }));
              const nodesBefore = pane.querySelectorAll('*').length;
              layer.update(batch(0));
              await frame();
              const canvas = pane.querySelector('canvas');
              const changed = layer.update(batch(1));
              await new Promise((r) => setTimeout(r, 1200));
              await frame();
              const v = layer.get('渝T00007');
              const point = layer._map.latLngToContainerPoint([v.lat, v.lon]);
              return { nodesBefore, nodesAfter: pane.querySelectorAll('*').length, sameCanvas: pane.querySelector('canvas') === canvas,
                       size: layer.vehicles.size, changed, drawn: layer.screen.length, lat: v.lat, x: point.x, y: point.y };
            }
            """);

        Assert.Equal(2000, result.GetProperty("size").GetInt32());
        Assert.Equal(2000, result.GetProperty("changed").GetInt32());
        Assert.Equal(2000, result.GetProperty("drawn").GetInt32());
        Assert.Equal(result.GetProperty("nodesBefore").GetInt32(), result.GetProperty("nodesAfter").GetInt32());
        Assert.True(result.GetProperty("sameCanvas").GetBoolean(), "markers are redrawn on the same canvas, not re-created");
        Assert.Equal(29.35 + (7 * 0.008) + 0.002, result.GetProperty("lat").GetDouble(), 6);

        // A click on a truck opens its card.
        var map = await page.Locator("#map").BoundingBoxAsync();
        await page.Mouse.ClickAsync(map!.X + (float)result.GetProperty("x").GetDouble(), map.Y + (float)result.GetProperty("y").GetDouble());
        await Expect(page.Locator("#fleet-selected[data-plate='渝T00007']")).ToBeVisibleAsync();
        await session.ScreenshotAsync("static-fleet-2000");
    }

    [Fact]
    public async Task StreamParser_ChunksSplitAnywhere_YieldsEveryObjectOnce()
    {
        await using var session = await DashboardSession.OpenAsync(chromium.Require(), gateway.Address);

        // NDJSON (what transcoding writes) and a JSON array, each cut into 1..7-character chunks, with braces and
        // escaped quotes inside strings.
        var result = await session.Page.EvaluateAsync<int[]>("""
            async () => {
              const { JsonObjectStream } = await import('/js/stream.js');
              const messages = [
                { eventId: 'a:OPENED:1', type: 'OPENED', violation: { id: 'a', details: 'in {zone} "渝中" \\ end', evidence: [{ lat: 29.5 }] } },
                { eventId: 'a:CLOSED:2', type: 'CLOSED', violation: { id: 'a', evidence: [] } },
                { eventId: 'b:OPENED:1', type: 'OPENED', violation: { id: 'b', goodsClasses: ['3', '2.1'] } },
              ];
              const texts = [messages.map((m) => JSON.stringify(m)).join('\n') + '\n', JSON.stringify(messages)];
              const counts = [];
              for (const text of texts) {
                for (let size = 1; size <= 7; size++) {
                  const parser = new JsonObjectStream();
                  const out = [];
                  for (let i = 0; i < text.length; i += size) out.push(...parser.push(text.slice(i, i + size)));
                  counts.push(JSON.stringify(out) === JSON.stringify(messages) ? out.length : -1);
                }
              }
              return counts;
            }
            """);

        Assert.All(result, count => Assert.Equal(3, count));
        Assert.Equal(14, result.Length);
    }

    [Fact]
    public async Task Times_ShownInShanghai_WhateverTheBrowserZone()
    {
        await using var session = await DashboardSession.OpenAsync(chromium.Require(), gateway.Address);

        var shown = await session.Page.EvaluateAsync<string[]>("""
            async () => {
              const f = await import('/js/format.js');
              return [f.formatTime('2026-11-24T02:00:00Z'), f.shanghaiLocalToUtc('2026-11-24T10:00')];
            }
            """);

        Assert.Equal("2026-11-24 10:00:00", shown[0]);
        Assert.Equal("2026-11-24T02:00:00.000Z", shown[1]);
    }
}
