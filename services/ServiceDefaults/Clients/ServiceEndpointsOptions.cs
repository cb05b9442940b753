namespace HazChem.Transport.ServiceDefaults.Clients;

/// <summary>
/// Direct addresses of the other services, section <c>Services</c>: <c>Services__Qualification</c>,
/// <c>Services__Waybill</c>, <c>Services__LoadingCheck</c>, <c>Services__Telemetry</c>,
/// <c>Services__RouteCompliance</c> (e.g. <c>http://127.0.0.1:5101</c>, HTTP/2 cleartext).
/// Ignored for calls that go through Dapr.
/// </summary>
public sealed class ServiceEndpointsOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Services";

    /// <summary>Qualification service address.</summary>
    public Uri? Qualification { get; set; }

    /// <summary>Waybill service address.</summary>
    public Uri? Waybill { get; set; }

    /// <summary>LoadingCheck service address.</summary>
    public Uri? LoadingCheck { get; set; }

    /// <summary>Telemetry service address.</summary>
    public Uri? Telemetry { get; set; }

    /// <summary>RouteCompliance service address.</summary>
    public Uri? RouteCompliance { get; set; }
}

/// <summary>
/// Optional Dapr, section <c>Dapr</c>: with <c>Dapr__Enabled=true</c> (k8s with sidecars) service-to-service
/// gRPC goes through the sidecar's service invocation; without it, direct addresses. Never a hard dependency.
/// </summary>
public sealed class DaprOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Dapr";

    /// <summary>Route calls through the Dapr sidecar.</summary>
    public bool Enabled { get; set; }

    /// <summary>The sidecar's gRPC endpoint; defaults to <c>DAPR_GRPC_PORT</c> on loopback.</summary>
    public Uri? GrpcEndpoint { get; set; }
}
