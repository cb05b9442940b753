using System.Text;
using System.Text.Json;
using HazChem.Transport.TestSupport;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HazChem.Transport.Dashboard.Tests;

/// <summary>
/// The dashboard on the running system, as an authority and a traffic police officer use it: zones imported from a
/// GeoJSON file drawn on the map, a violation produced through the APIs arriving live, its replay, its
/// acknowledgement, and the live fleet.
/// </summary>
[Collection(DevStackGroup.Name)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1861", Justification = "Test data.")]
public sealed class DashboardFlowTests(ChromiumFixture chromium, DevStackFixture stack)
{
    /// <summary>Pipeline latency (Telemetry → Kafka → RouteCompliance → WatchViolations) on a busy 2-core machine.</summary>
    private static readonly LocatorAssertionsToBeVisibleOptions Live = new() { Timeout = 90_000 };

    [Fact]
    public async Task ZoneImport_GeoJsonFile_ZonesDrawnOnMapAndListed()
    {
        var suffix = Random.Shared.Next(10000, 99999);
        var collection = new
        {
            type = "FeatureCollection",
            features = new[]
            {
                Scenario.ZoneFeature($"ui-school-{suffix}", "育才中学 " + suffix, 106.50, 29.55, 106.52, 29.57),
                Scenario.ZoneFeature($"ui-bridge-{suffix}", "朝天门大桥 " + suffix, 106.58, 29.58, 106.60, 29.60,
                    schedule: new[] { new { days = new[] { 1, 2, 3, 4, 5 }, from = "07:00", to = "20:00" } }),
            },
        };
        await using var session = await DashboardSession.OpenAsync(chromium.Require(), stack.Address);
        var page = session.Page;
        await session.SignInAsync("admin", "authority-ui");
        await page.Locator(".tab[data-tab=zones]").ClickAsync();

        await page.Locator("#zone-import select[name=crs]").SelectOptionAsync("GCJ02");
        await page.Locator("#zone-import input[type=file]").SetInputFilesAsync(GeoJsonFile("zones.geojson", collection));
        await Expect(page.Locator("#import-preview")).ToContainTextAsync("2");
        await page.Locator("#zone-import button[type=submit]").ClickAsync();

        await Expect(page.Locator("#import-result[data-kind=ok]")).ToBeVisibleAsync();
        await Expect(page.Locator($".zone-item[data-zone-id='ui-school-{suffix}']")).ToBeVisibleAsync();
        await Expect(page.Locator($".zone-item[data-zone-id='ui-bridge-{suffix}']")).ToContainTextAsync("07:00");
        await Expect(page.Locator($"#map path.zone-shape[data-zone-id='ui-school-{suffix}']")).ToHaveCountAsync(1);
        await Expect(page.Locator($"#map path.zone-shape[data-zone-id='ui-bridge-{suffix}']")).ToHaveCountAsync(1);
        await session.ScreenshotAsync("zones-imported");
        Assert.Empty(session.ExternalRequests);
    }

    [Fact]
    public async Task ZoneImport_InvalidFeatures_ErrorsShownPerFeatureAndNothingImported()
    {
        var suffix = Random.Shared.Next(10000, 99999);
        var good = Scenario.ZoneFeature($"ui-ok-{suffix}", "正常区域", 106.40, 29.40, 106.41, 29.41);
        var badSchedule = Scenario.ZoneFeature($"ui-bad-{suffix}", "错误时段", 106.42, 29.40, 106.43, 29.41,
            schedule: new[] { new { days = new[] { 1, 9 }, from = "25:00", to = "07:00" } });
        var badGeometry = new Dictionary<string, object>
        {
            ["type"] = "Feature",
            ["properties"] = new { id = $"ui-line-{suffix}", name = "不是面", kind = "restricted_area" },
            ["geometry"] = new { type = "LineString", coordinates = new[] { new[] { 106.44, 29.40 }, new[] { 106.45, 29.41 } } },
        };
        await using var session = await DashboardSession.OpenAsync(chromium.Require(), stack.Address);
        var page = session.Page;
        await session.SignInAsync("admin", "authority-ui");
        await page.Locator(".tab[data-tab=zones]").ClickAsync();

        await page.Locator("#zone-import input[type=file]").SetInputFilesAsync(
            GeoJsonFile("bad.geojson", new { type = "FeatureCollection", features = new object[] { good, badSchedule, badGeometry } }));
        await page.Locator("#zone-import button[type=submit]").ClickAsync();

        await Expect(page.Locator("#import-result[data-kind=error]")).ToContainTextAsync("nothing was imported");
        await Expect(page.Locator("#import-errors tr[data-feature='1']").First).ToContainTextAsync($"ui-bad-{suffix}");
        await Expect(page.Locator("#import-errors tr[data-feature='2']").First).ToContainTextAsync($"ui-line-{suffix}");
        await Expect(page.Locator("#import-errors tr[data-feature='0']")).ToHaveCountAsync(0);
        await Expect(page.Locator($".zone-item[data-zone-id='ui-ok-{suffix}']")).ToHaveCountAsync(0);
        await session.ScreenshotAsync("zones-import-errors");
    }

    [Fact]
    public async Task Violation_FixesInsideZone_AppearsLiveReplaysAndIsAcknowledged()
    {
        var scenario = new Scenario(stack);
        await scenario.ImportZoneAsync();
        await scenario.RegisterAndIssueWaybillAsync();
        await TripReadiness.WaitAsync(stack.Stack.KafkaBootstrapServers, scenario.WaybillId, TimeSpan.FromSeconds(90));
        await using var session = await DashboardSession.OpenAsync(chromium.Require(), stack.Address);
        var page = session.Page;
        await session.SignInAsync("police", "officer-e2e");
        await Expect(page.Locator("#feed-violations[data-stream=live]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.Locator($"#map path.zone-shape[data-zone-id='{scenario.ZoneId}']")).ToHaveCountAsync(1);

        // The truck drives into the zone and stays: the episode opens and the list shows it without a reload.
        await scenario.PostFixesAsync(part: 0);
        var row = page.Locator($".violation[data-plate='{scenario.Plate}'][data-kind=RESTRICTED_ZONE]");
        await WithDiagnosisAsync(session, scenario, "the violation did not appear live", () => Expect(row).ToBeVisibleAsync(Live));
        await session.ScreenshotAsync("violation-live-opened");

        // It leaves: the same row turns CLOSED, live.
        await scenario.PostFixesAsync(part: 1);
        await WithDiagnosisAsync(session, scenario, "the violation did not turn CLOSED live",
            () => Expect(row).ToHaveAttributeAsync("data-status", "CLOSED", new() { Timeout = 90_000 }));
        await Expect(row).ToHaveCountAsync(1);

        // Detail: evidence, the waybill's corridor, and the track replayed on the map.
        await row.ClickAsync();
        await Expect(page.Locator("#detail")).ToBeVisibleAsync();
        await Expect(page.Locator("#detail-title")).ToContainTextAsync(scenario.Plate);
        Assert.True(await page.Locator("#evidence tbody tr").CountAsync() >= 1, "the violation shows its evidence fixes");
        await Expect(page.Locator("#corridor-status")).ToContainTextAsync(scenario.WaybillId);
        await Expect(page.Locator("#map path.corridor-line")).ToHaveCountAsync(1);
        await page.Locator("#replay-load").ClickAsync();
        await Expect(page.Locator("#replay")).ToBeVisibleAsync();
        var points = int.Parse(await page.Locator("#replay").GetAttributeAsync("data-points") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(points >= 20, $"the replay holds the track around the episode, got {points} points");
        await Expect(page.Locator("#map path.replay-track")).ToHaveCountAsync(1);
        var first = await page.Locator("#replay-time").TextContentAsync();
        await page.Locator("#replay-scrub").FillAsync((points / 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Locator("#replay-time")).Not.ToHaveTextAsync(first ?? "");
        await page.Locator("#replay-play").ClickAsync();
        await Expect(page.Locator("#replay-play")).ToHaveAttributeAsync("aria-label", "Pause");
        await session.ScreenshotAsync("violation-replay");
        await page.Locator("#replay-play").ClickAsync();

        // Acknowledge with a note.
        await page.Locator("#ack-note").FillAsync("已电话联系驾驶员，责令驶离限行区域");
        await page.Locator("#ack-submit").ClickAsync();
        await Expect(page.Locator("#ack-done")).ToContainTextAsync("officer-e2e");
        await Expect(page.Locator("#ack-done")).ToContainTextAsync("责令驶离");
        await Expect(row).ToHaveAttributeAsync("data-status", "ACKNOWLEDGED");
        await session.ScreenshotAsync("violation-acknowledged");

        var stored = await stack.SendOkAsync(HttpMethod.Get, $"api/v1/violations?plate={Uri.EscapeDataString(scenario.Plate)}", "police");
        var violation = stored.GetProperty("violations").EnumerateArray().Single(v => v.GetProperty("kind").GetString() == "RESTRICTED_ZONE");
        Assert.Equal("ACKNOWLEDGED", violation.GetProperty("status").GetString());
        Assert.Empty(session.ExternalRequests);
    }

    [Fact]
    public async Task Fleet_FixesPosted_VehicleShownAndFindable()
    {
        var scenario = new Scenario(stack);
        await scenario.RegisterAsync();
        await scenario.PostFixesAsync(part: 0);
        await using var session = await DashboardSession.OpenAsync(chromium.Require(), stack.Address);
        var page = session.Page;
        await session.SignInAsync("police", "officer-fleet");

        await WithDiagnosisAsync(session, scenario, "the positions feed did not answer",
            () => Expect(page.Locator("#feed-positions[data-state=ok]")).ToBeVisibleAsync(new() { Timeout = 30_000 }));
        await Expect(page.Locator($"#fleet-plates option[value='{scenario.Plate}']")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await page.Locator(".tab[data-tab=fleet]").ClickAsync();
        await page.Locator("#fleet-search").FillAsync(scenario.Plate);
        await page.Locator("#fleet-search").DispatchEventAsync("change");

        await Expect(page.Locator($"#fleet-selected[data-plate='{scenario.Plate}']")).ToBeVisibleAsync();
        await Expect(page.Locator("#fleet-selected")).ToContainTextAsync("40 km/h");
        await session.ScreenshotAsync("fleet-vehicle");
    }

    /// <summary>
    /// Runs a UI expectation; when it fails, says what the APIs behind it answer (so a failure names the service
    /// that did not deliver, not just the element that did not show) and saves a screenshot.
    /// </summary>
    private async Task WithDiagnosisAsync(DashboardSession session, Scenario scenario, string what, Func<Task> expectation)
    {
        try
        {
            await expectation();
        }
        catch (PlaywrightException ex)
        {
            await session.ScreenshotAsync("failed-" + new string(what.Where(char.IsLetter).ToArray()));
            var plate = Uri.EscapeDataString(scenario.Plate);
            var (listStatus, list) = await stack.SendAsync(HttpMethod.Get, $"api/v1/violations?plate={plate}", "police");
            var (positionStatus, position) = await stack.SendAsync(HttpMethod.Get, $"api/v1/vehicles/{plate}/position", "police");
            var (latestStatus, latest) = await stack.SendAsync(HttpMethod.Get, "api/v1/positions/latest", "police");
            var streamState = await session.Page.Locator("#feed-violations").GetAttributeAsync("title");
            var positionsState = await session.Page.Locator("#feed-positions").GetAttributeAsync("title");
            Assert.Fail($"""
                {what}: {ex.Message.Split('\n')[0]}
                page: violations stream = {streamState}; positions = {positionsState}
                GET violations?plate={scenario.Plate} → {listStatus} {Truncate(list)}
                GET vehicles/{scenario.Plate}/position → {positionStatus} {Truncate(position)}
                GET positions/latest → {latestStatus} {Truncate(latest)}
                routecompliance log: {stack.LogOf("routecompliance")}
                telemetry log: {stack.LogOf("telemetry")}
                waybill log: {stack.LogOf("waybill", 10)}
                """);
        }
    }

    private static string Truncate(JsonElement body)
    {
        var text = body.ValueKind == JsonValueKind.Undefined ? "(empty)" : body.ToString();
        return text.Length > 600 ? text[..600] + "…" : text;
    }

    private static FilePayload GeoJsonFile(string name, object collection) => new()
    {
        Name = name,
        MimeType = "application/geo+json",
        Buffer = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(collection)),
    };
}
