using Dapr.Client;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HazChem.Transport.ServiceDefaults.Clients;

/// <summary>Typed gRPC clients for calls to sibling services, direct or through Dapr by configuration.</summary>
public static class ServiceClientExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TClient"/> for the service named <paramref name="serviceName"/>
    /// (a property of <see cref="ServiceEndpointsOptions"/>, and its Dapr app id in lower case). Calls carry
    /// this service's own token (<see cref="ServiceTokenSource"/>); set a deadline on every call.
    /// </summary>
    public static IHttpClientBuilder AddServiceClient<TClient>(this IServiceCollection services, IConfiguration configuration, string serviceName)
        where TClient : ClientBase
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var dapr = configuration.GetSection(DaprOptions.SectionName).Get<DaprOptions>() ?? new DaprOptions();
        services.TryAddSingleton<ServiceTokenSource>();
        var builder = services.AddGrpcClient<TClient>(options =>
        {
            options.Address = dapr.Enabled ? SidecarAddress(dapr) : DirectAddress(configuration, serviceName);
        });

        // Sibling calls carry this service's own token; cluster traffic is cleartext HTTP/2 (TLS, if any, is the mesh's).
        builder.AddCallCredentials((_, metadata, provider) =>
        {
            metadata.Add("authorization", "Bearer " + provider.GetRequiredService<ServiceTokenSource>().Token());
            return Task.CompletedTask;
        });
        builder.ConfigureChannel(channel => channel.UnsafeUseInsecureChannelCallCredentials = true);

        // gRPC logs its own calls; the HTTP client factory's request logging and scopes only add cost per call.
        builder.RemoveAllLoggers();
        builder.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
        });
        if (dapr.Enabled)
        {
            var appId = serviceName.ToLowerInvariant();
            builder.AddInterceptor(() => new DaprAppIdInterceptor(appId));
        }

        return builder;
    }

    /// <summary>Registers <see cref="DaprClient"/> when <c>Dapr:Enabled</c> is true (pub/sub, state).</summary>
    public static IServiceCollection AddOptionalDapr(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.GetSection(DaprOptions.SectionName).Get<DaprOptions>() is { Enabled: true })
        {
            services.AddSingleton(_ => new DaprClientBuilder().Build());
        }

        return services;
    }

    private static Uri DirectAddress(IConfiguration configuration, string serviceName)
    {
        var value = configuration[$"{ServiceEndpointsOptions.SectionName}:{serviceName}"];
        if (string.IsNullOrWhiteSpace(value) || !Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            throw new InvalidOperationException(
                $"Services:{serviceName} must be the absolute address of the {serviceName} service (e.g. http://127.0.0.1:5101).");
        }

        return uri;
    }

    private static Uri SidecarAddress(DaprOptions dapr)
    {
        if (dapr.GrpcEndpoint is not null)
        {
            return dapr.GrpcEndpoint;
        }

        var port = Environment.GetEnvironmentVariable("DAPR_GRPC_PORT") ?? "50001";
        return new Uri($"http://127.0.0.1:{port}");
    }

    /// <summary>Dapr's gRPC proxying picks the target app from the <c>dapr-app-id</c> header.</summary>
    private sealed class DaprAppIdInterceptor(string appId) : Interceptor
    {
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
            continuation(request, WithAppId(context));

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
            continuation(request, WithAppId(context));

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
            ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation) =>
            continuation(WithAppId(context));

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
            ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation) =>
            continuation(WithAppId(context));

        private ClientInterceptorContext<TRequest, TResponse> WithAppId<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
            where TRequest : class
            where TResponse : class
        {
            var headers = context.Options.Headers ?? [];
            headers.Add("dapr-app-id", appId);
            return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers));
        }
    }
}
