using System.Text.Json;
using Google.Protobuf.Reflection;
using Google.Rpc;
using HazChem.Transport.Contracts.Common.V1;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.ServiceDefaults.Clients;
using HazChem.Transport.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace HazChem.Transport.ServiceDefaults;

/// <summary>What every HazChem host adds first and maps last.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>The tag of checks that only say "the process runs" (<c>/alive</c>).</summary>
    public const string LiveTag = "live";

    /// <summary>
    /// Telemetry (OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set), health checks, JWT auth with the
    /// role policies, gRPC with the error interceptor and JSON transcoding, HTTP/2 cleartext endpoints,
    /// <see cref="TimeProvider"/>, and Dapr when enabled.
    /// </summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddHazChemTelemetry();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        builder.Services.AddHazChemAuth();
        builder.Services.AddOptionalDapr(builder.Configuration);

        // gRPC needs HTTP/2; behind the gateway everything (gRPC and transcoded REST) is h2c.
        // Kestrel:EndpointDefaults:Protocols in configuration overrides this (e.g. Http1 for curl without the gateway).
        if (builder.Configuration["Kestrel:EndpointDefaults:Protocols"] is null)
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2));
        }

        builder.Services.AddGrpc(options =>
        {
            options.Interceptors.Add<ErrorMappingInterceptor>();
            options.EnableDetailedErrors = builder.Environment.IsDevelopment();
        }).AddJsonTranscoding(options =>
        {
            // Error details are google.protobuf.Any; JSON can only render the types it knows.
            options.TypeRegistry = TypeRegistry.FromMessages(BadRequest.Descriptor, ResourceInfo.Descriptor, RuleFindings.Descriptor);
        });
        builder.Services.AddGrpcHealthChecks();
        return builder;
    }

    /// <summary>Logs, traces and metrics; exported over OTLP only when an endpoint is configured.</summary>
    public static WebApplicationBuilder AddHazChemTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var otel = builder.Services.AddOpenTelemetry()
            .WithLogging(_ => { }, logging =>
            {
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
            })
            .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation())
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName, "HazChem.Kafka.Consumer")
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsHealthPath(http.Request.Path))
                .AddHttpClientInstrumentation());
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Maps <c>/alive</c>, <c>/health</c> (JSON naming each check) and <c>grpc.health.v1</c>, all anonymous.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks("/alive", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag),
            ResponseWriter = WriteHealthJson,
        }).AllowAnonymous();
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteHealthJson }).AllowAnonymous();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        return app;
    }

    /// <summary>Writes <c>{"status":"Healthy","checks":{"database":{"status":"Healthy","description":...}}}</c>.</summary>
    public static Task WriteHealthJson(HttpContext context, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description ?? e.Value.Exception?.Message }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }

    private static bool IsHealthPath(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.Ordinal) || path.StartsWithSegments("/alive", StringComparison.Ordinal);
}
