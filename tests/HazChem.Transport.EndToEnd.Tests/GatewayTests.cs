using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using HazChem.Transport.Contracts.Qualification.V1;

namespace HazChem.Transport.EndToEnd.Tests;

/// <summary>The foundation's promises, checked through the gateway of a running dev stack.</summary>
[Collection(DevStackGroup.Name)]
public sealed class GatewayTests(DevStackFixture stack)
{
    private static readonly string[] ServiceNames = ["loadingcheck", "qualification", "routecompliance", "telemetry", "waybill"];

    [Fact]
    public async Task Health_AllServicesRunning_Returns200NamingEachService()
    {
        using var response = await stack.Client.GetAsync("health", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var services = body.GetProperty("services");
        Assert.Equal(ServiceNames, services.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var service in services.EnumerateObject())
        {
            Assert.Equal("Healthy", service.Value.GetProperty("status").GetString());
            // Each service's own report names its database check.
            Assert.Equal("Healthy", service.Value.GetProperty("detail").GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task ProtectedRoute_WithoutToken_Returns401()
    {
        using var response = await stack.SendAsync(HttpMethod.Get, "api/v1/carriers");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ProtectedRoute_WithForgedToken_Returns401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/carriers");
        request.Headers.Authorization = new("Bearer", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIn0.c2lnbmF0dXJl");
        using var response = await stack.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("police", "POST", "api/v1/carriers")]
    [InlineData("carrier", "POST", "api/v1/blacklist")]
    [InlineData("terminal", "POST", "api/v1/zones:import")]
    [InlineData("police", "POST", "api/v1/loading-checks")]
    [InlineData("carrier", "GET", "api/v1/violations")]
    [InlineData("gps", "GET", "api/v1/waybills")]
    public async Task Route_RoleNotAllowed_Returns403(string role, string method, string path)
    {
        using var response = await stack.SendAsync(new HttpMethod(method), path, role, method == "POST" ? new { } : null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task AdminRoute_AdminToken_ReachesTheServiceThroughTranscoding()
    {
        // An incomplete carrier reaches the service, which names the bad fields (400).
        using var response = await stack.SendAsync(HttpMethod.Post, "api/v1/carriers", "admin", new { name = "x" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task UnknownPath_Returns404()
    {
        using var response = await stack.SendAsync(HttpMethod.Get, "api/v1/nothing-here", "admin");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task DevToken_UnknownRole_Returns400NamingTheField()
    {
        using var response = await stack.Client.PostAsJsonAsync("api/v1/dev/token", new { role = "mayor", subject = "x" }, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(body.GetProperty("errors").TryGetProperty("role", out _));
    }

    [Fact]
    public async Task Grpc_ThroughGateway_AuthorizesPerMethod()
    {
        using var channel = GrpcChannel.ForAddress(stack.Stack.GatewayGrpcAddress);
        var client = new QualificationService.QualificationServiceClient(channel);
        var police = new Metadata { { "authorization", "Bearer " + await stack.TokenAsync("police") } };
        var admin = new Metadata { { "authorization", "Bearer " + await stack.TokenAsync("admin") } };

        var anonymous = await Assert.ThrowsAsync<RpcException>(() => client.GetCarrierAsync(new GetCarrierRequest { Id = "c1" }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);
        var denied = await Assert.ThrowsAsync<RpcException>(() => client.CreateCarrierAsync(new CreateCarrierRequest(), police, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);
        var reached = await Assert.ThrowsAsync<RpcException>(() => client.CreateCarrierAsync(new CreateCarrierRequest(), admin, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, reached.StatusCode);
    }
}
