using System.Reflection;
using System.Text.Json;
using HazChem.Transport.Contracts.Qualification.V1;
using HazChem.Transport.Qualification.Grpc;
using Microsoft.AspNetCore.Authorization;

namespace HazChem.Transport.Qualification.Tests.Service;

/// <summary>Every RPC is guarded by exactly the policy the gateway's route table names for it.</summary>
public sealed class PolicyTableTests
{
    [Fact]
    public void EveryRpc_HasThePolicyOfItsGatewayRoute()
    {
        var gateway = GatewayPolicies();
        var rpcs = QualificationReflection.Descriptor.Services.Single().Methods.Select(m => m.Name).ToList();

        var mismatches = rpcs
            .Select(rpc => (Rpc: rpc, Service: ServicePolicy(rpc), Gateway: gateway.GetValueOrDefault(rpc)))
            .Where(x => x.Service is null || x.Service != x.Gateway)
            .ToList();

        Assert.True(mismatches.Count == 0, string.Join("; ", mismatches.Select(m => $"{m.Rpc}: service {m.Service ?? "none"}, gateway {m.Gateway ?? "none"}")));
        Assert.Equal(rpcs.Count, gateway.Count);
    }

    private static string? ServicePolicy(string rpc) =>
        typeof(QualificationGrpcService).GetMethod(rpc, BindingFlags.Public | BindingFlags.Instance)?
            .GetCustomAttribute<AuthorizeAttribute>()?.Policy;

    private static Dictionary<string, string> GatewayPolicies()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "HazChem.Transport.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        using var json = JsonDocument.Parse(
            File.ReadAllText(Path.Combine(directory.FullName, "gateway", "Gateway", "appsettings.json")),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        const string Prefix = "/hazchem.qualification.v1.QualificationService/";
        return json.RootElement.GetProperty("ReverseProxy").GetProperty("Routes").EnumerateObject()
            .Select(r => r.Value)
            .Where(r => r.GetProperty("Match").GetProperty("Path").GetString()!.StartsWith(Prefix, StringComparison.Ordinal))
            .ToDictionary(
                r => r.GetProperty("Match").GetProperty("Path").GetString()![Prefix.Length..],
                r => r.GetProperty("AuthorizationPolicy").GetString()!,
                StringComparer.Ordinal);
    }
}
