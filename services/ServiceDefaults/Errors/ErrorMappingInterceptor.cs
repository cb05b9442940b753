using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using HazChem.Transport.Contracts.Common.V1;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Status = Google.Rpc.Status;

namespace HazChem.Transport.ServiceDefaults.Errors;

/// <summary>
/// The one place that turns domain exceptions into gRPC status codes with <c>google.rpc.Status</c> details.
/// Transcoded REST calls get the same body as JSON; business refusals are 422 there (gRPC's fixed mapping
/// would say 400, which reads as "your JSON is malformed").
/// </summary>
public sealed partial class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger) : Interceptor
{
    /// <inheritdoc />
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Map(ex, context);
        }
    }

    /// <inheritdoc />
    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Map(ex, context);
        }
    }

    /// <inheritdoc />
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Map(ex, context);
        }
    }

    /// <inheritdoc />
    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Map(ex, context);
        }
    }

    /// <summary>Builds the <c>google.rpc.Status</c> for an exception (public for tests and for stream handlers that report per item).</summary>
    public static Status ToStatus(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        switch (exception)
        {
            case InvalidInputException invalid:
                var badRequest = new BadRequest();
                badRequest.FieldViolations.AddRange(invalid.Violations.Select(v =>
                    new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
                return Build(Code.InvalidArgument, invalid.Message, Any.Pack(badRequest));
            case RuleRefusalException refusal:
                var findings = new RuleFindings();
                findings.Findings.AddRange(refusal.Findings.Select(f =>
                    new RuleFinding { Code = f.Code, Subject = f.Subject, Message = f.Message, Blocking = f.Blocking }));
                return Build(Code.FailedPrecondition, refusal.Message, Any.Pack(findings));
            case NotFoundException notFound:
                return Build(Code.NotFound, notFound.Message, Any.Pack(new ResourceInfo
                {
                    ResourceType = notFound.ResourceType,
                    ResourceName = notFound.ResourceId,
                    Description = notFound.Message,
                }));
            case AlreadyExistsException exists:
                return Build(Code.AlreadyExists, exists.Message, Any.Pack(new ResourceInfo
                {
                    ResourceType = exists.ResourceType,
                    ResourceName = exists.ResourceId,
                    Description = exists.Message,
                }));
            case AccessDeniedException denied:
                return Build(Code.PermissionDenied, denied.Message);
            case OperationCanceledException:
                return Build(Code.Cancelled, "The call was cancelled.");
            default:
                return Build(Code.Internal, "Internal error; see the service log.");
        }
    }

    private RpcException Map(Exception exception, ServerCallContext context)
    {
        var status = ToStatus(exception);
        if (status.Code == (int)Code.Internal)
        {
            LogUnhandled(logger, context.Method, exception);
        }
        else
        {
            LogRefused(logger, context.Method, (Code)status.Code, exception.Message);
        }

        if (status.Code == (int)Code.FailedPrecondition)
        {
            UseUnprocessableEntityForRest(context);
        }

        return status.ToRpcException();
    }

    private static void UseUnprocessableEntityForRest(ServerCallContext context)
    {
        var http = context.GetHttpContext();
        var isGrpc = http.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
        if (isGrpc)
        {
            return;
        }

        http.Response.OnStarting(() =>
        {
            if (http.Response.StatusCode == StatusCodes.Status400BadRequest)
            {
                http.Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            }

            return Task.CompletedTask;
        });
    }

    private static Status Build(Code code, string message, params Any[] details)
    {
        var status = new Status { Code = (int)code, Message = message };
        status.Details.AddRange(details);
        return status;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error in {Method}")]
    private static partial void LogUnhandled(ILogger logger, string method, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} refused with {Code}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, Code code, string reason);
}
