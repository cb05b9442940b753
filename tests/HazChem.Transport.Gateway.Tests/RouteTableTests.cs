using System.Text.RegularExpressions;
using Google.Api;
using Google.Protobuf.Reflection;
using HazChem.Transport.ServiceDefaults.Auth;
using Microsoft.Extensions.Configuration;

namespace HazChem.Transport.Gateway.Tests;

/// <summary>
/// The gateway's route table (appsettings.json) against the contracts: every RPC reachable through the
/// gateway has a gRPC route and, where it has an HTTP rule, a REST route with exactly that method and path,
/// each naming a known authorization policy and rate limit.
/// </summary>
public sealed partial class RouteTableTests
{
    /// <summary>RPCs only services may call (never through the gateway).</summary>
    private static readonly HashSet<string> InternalOnly = ["hazchem.waybill.v1.WaybillService/MarkWaybillLoaded"];

    private static readonly string[] RateLimits = ["api", "ingest"];

    private static readonly IReadOnlyList<ServiceDescriptor> Services =
    [
        Contracts.Qualification.V1.QualificationReflection.Descriptor.Services.Single(),
        Contracts.Waybill.V1.WaybillReflection.Descriptor.Services.Single(),
        Contracts.LoadingCheck.V1.LoadingCheckReflection.Descriptor.Services.Single(),
        Contracts.Telemetry.V1.TelemetryReflection.Descriptor.Services.Single(),
        Contracts.Compliance.V1.ComplianceReflection.Descriptor.Services.Single(),
    ];

    private readonly List<Route> _routes = LoadRoutes();

    public static TheoryData<string> Methods() => [.. Services.SelectMany(s => s.Methods).Select(m => $"{m.Service.FullName}/{m.Name}")];

    [Theory]
    [MemberData(nameof(Methods))]
    public void EveryRpc_HasGrpcAndRestRoutesWithAKnownPolicy(string rpc)
    {
        var method = Services.SelectMany(s => s.Methods).Single(m => $"{m.Service.FullName}/{m.Name}" == rpc);
        var grpc = _routes.Where(r => r.Path == "/" + rpc).ToList();
        if (InternalOnly.Contains(rpc))
        {
            Assert.Empty(grpc);
            return;
        }

        var grpcRoute = Assert.Single(grpc);
        Assert.Contains(grpcRoute.Policy, Policies.RolesByPolicy.Keys);
        Assert.Contains(grpcRoute.RateLimit, RateLimits);
        var http = method.GetOptions()?.GetExtension(AnnotationsExtensions.Http);
        if (http is null)
        {
            return;
        }

        var (verb, template) = http.PatternCase switch
        {
            HttpRule.PatternOneofCase.Get => ("GET", http.Get),
            HttpRule.PatternOneofCase.Post => ("POST", http.Post),
            HttpRule.PatternOneofCase.Put => ("PUT", http.Put),
            HttpRule.PatternOneofCase.Delete => ("DELETE", http.Delete),
            HttpRule.PatternOneofCase.Patch => ("PATCH", http.Patch),
            _ => throw new InvalidOperationException($"{rpc}: unsupported HTTP rule {http.PatternCase}"),
        };
        var rest = Assert.Single(_routes, r => r.Method == verb && Normalise(r.Path) == Normalise(template));
        Assert.Equal(grpcRoute.Policy, rest.Policy);
        Assert.Equal(grpcRoute.Cluster, rest.Cluster);
    }

    [Fact]
    public void EveryRoute_PointsAtAConfiguredClusterAndPolicy()
    {
        var clusters = Configuration().GetSection("ReverseProxy:Clusters").GetChildren().Select(c => c.Key).ToHashSet();

        Assert.NotEmpty(_routes);
        Assert.All(_routes, r =>
        {
            Assert.Contains(r.Cluster, clusters);
            Assert.Contains(r.Policy, Policies.RolesByPolicy.Keys);
        });
        Assert.Equal(["loadingcheck", "qualification", "routecompliance", "telemetry", "waybill"],
            Configuration().GetSection("ReverseProxy:Clusters").GetChildren()
                .Where(c => c["Metadata:Health"] == "true").Select(c => c.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void DevTokens_AreOffByDefault()
    {
        Assert.Equal("False", Configuration()["Gateway:DevTokens"], ignoreCase: true);
    }

    /// <summary>Route parameters compare by position, not name (<c>{carrier_id}</c> = <c>{carrierId}</c>).</summary>
    private static string Normalise(string path) => ParameterPattern().Replace(path, "{}");

    private static IConfigurationRoot Configuration()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "HazChem.Transport.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new DirectoryNotFoundException("repository root not found");
        }

        return new ConfigurationBuilder().AddJsonFile(Path.Combine(root, "gateway", "Gateway", "appsettings.json")).Build();
    }

    private static List<Route> LoadRoutes() =>
        [.. Configuration().GetSection("ReverseProxy:Routes").GetChildren().Select(r => new Route(
            r.Key,
            r["ClusterId"]!,
            r["AuthorizationPolicy"]!,
            r["RateLimiterPolicy"]!,
            r["Match:Path"]!,
            r.GetSection("Match:Methods").GetChildren().Single().Value!))];

    [GeneratedRegex(@"\{[A-Za-z_]+\}")]
    private static partial Regex ParameterPattern();

    private sealed record Route(string Id, string Cluster, string Policy, string RateLimit, string Path, string Method);
}
