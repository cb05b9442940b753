using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Rpc;
using Grpc.Core;
using HazChem.Transport.Contracts.Common.V1;
using HazChem.Transport.Contracts.Qualification.V1;

namespace HazChem.Transport.ServiceDefaults.Tests;

/// <summary>Domain errors reach gRPC and REST callers with the right status and every detail.</summary>
public sealed class ErrorMappingTests : IAsyncLifetime
{
    private TestServiceHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await TestServiceHost.StartAsync<FaultyQualificationService>();

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task InvalidInput_Rest_Returns400WithEveryFieldViolation()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/carriers", "admin", new { name = "x" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal((int)Code.InvalidArgument, body.GetProperty("code").GetInt32());
        var detail = Assert.Single(body.GetProperty("details").EnumerateArray());
        Assert.Equal("type.googleapis.com/google.rpc.BadRequest", detail.GetProperty("@type").GetString());
        var fields = detail.GetProperty("fieldViolations").EnumerateArray().Select(v => v.GetProperty("field").GetString());
        Assert.Equal(["creditCode", "permit.validUntil"], fields);
    }

    [Fact]
    public async Task InvalidInput_Grpc_IsInvalidArgumentWithBadRequestDetail()
    {
        var client = new QualificationService.QualificationServiceClient(_host.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.CreateCarrierAsync(new CreateCarrierRequest(), Auth("admin"), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var badRequest = error.GetRpcStatus()!.GetDetail<BadRequest>();
        Assert.Equal(2, badRequest.FieldViolations.Count);
        Assert.Equal("creditCode", badRequest.FieldViolations[0].Field);
    }

    [Fact]
    public async Task RuleRefusal_Rest_Returns422WithAllFindingCodes()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/qualification:evaluate", "carrier", new { carrierId = "c1" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var detail = Assert.Single(body.GetProperty("details").EnumerateArray());
        Assert.Equal("type.googleapis.com/hazchem.common.v1.RuleFindings", detail.GetProperty("@type").GetString());
        var codes = detail.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString());
        Assert.Equal(["Q-CARRIER-PERMIT", "Q-PERSON-CERT"], codes);
    }

    [Fact]
    public async Task RuleRefusal_Grpc_IsFailedPreconditionWithRuleFindings()
    {
        var client = new QualificationService.QualificationServiceClient(_host.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.EvaluateQualificationAsync(new EvaluateQualificationRequest(), Auth("terminal"), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        var findings = error.GetRpcStatus()!.GetDetail<RuleFindings>();
        Assert.Equal(["Q-CARRIER-PERMIT", "Q-PERSON-CERT"], findings.Findings.Select(f => f.Code));
        Assert.All(findings.Findings, f => Assert.True(f.Blocking));
    }

    [Fact]
    public async Task NotFound_Rest_Returns404NamingTheResource()
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/v1/carriers/c404", "police");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("c404", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnexpectedException_Rest_Returns500WithoutLeakingDetails()
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/v1/carriers/boom", "police");
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policy_NoToken_Returns401()
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/v1/carriers/c1", role: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Policy_WrongRole_Returns403BeforeAnyBusinessRule()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/carriers", "police", new { name = "x" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Policy_TokenSignedWithAnotherKey_Returns401()
    {
        await using var other = await TestServiceHost.StartAsync<FaultyQualificationService>();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/carriers/c1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", other.Token("admin"));

        using var response = await _host.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Health_Endpoints_AreAnonymousAndNameTheirChecks()
    {
        using var health = await _host.Http.GetAsync("/health", TestContext.Current.CancellationToken);
        using var alive = await _host.Http.GetAsync("/alive", TestContext.Current.CancellationToken);
        var body = await health.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("self").GetProperty("status").GetString());
    }

    [Fact]
    public async Task GrpcHealth_Check_ReportsServing()
    {
        var client = new Grpc.Health.V1.Health.HealthClient(_host.Channel);

        var response = await client.CheckAsync(new Grpc.Health.V1.HealthCheckRequest(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    private Metadata Auth(string role) => new() { { "authorization", "Bearer " + _host.Token(role) } };

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? role, object? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (role is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _host.Token(role));
        }

        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        return await _host.Http.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
