using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using HazChem.Transport.Contracts.Telemetry.V1;
using HazChem.Transport.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Authorization;

namespace HazChem.Transport.LoadingCheck.Tests.Service;

/// <summary>
/// The latest positions a test controls. Telemetry is outside this service's control (and built by another team), so
/// its one read the check needs is stubbed — behind the real auth policy, so the loading-check service token is checked.
/// </summary>
internal sealed class FakePositions
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _latest = new(StringComparer.Ordinal);

    /// <summary>Every plate asked for, in order.</summary>
    public ConcurrentQueue<string> Asked { get; } = new();

    /// <summary>Records a valid fix of <paramref name="plate"/> at <paramref name="fixTime"/>.</summary>
    public void Report(string plate, DateTimeOffset fixTime) => _latest[plate] = fixTime;

    public DateTimeOffset? Latest(string plate) => _latest.TryGetValue(plate, out var fix) ? fix : null;
}

/// <summary>GetLatestPosition from <see cref="FakePositions"/>: NOT_FOUND for a vehicle that never reported.</summary>
[Authorize]
internal sealed class FakeTelemetryService(FakePositions positions) : TelemetryService.TelemetryServiceBase
{
    [Authorize(Policy = Policies.PositionsRead)]
    public override Task<GetLatestPositionResponse> GetLatestPosition(GetLatestPositionRequest request, ServerCallContext context)
    {
        positions.Asked.Enqueue(request.Plate);
        if (positions.Latest(request.Plate) is not { } fix)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"vehicle '{request.Plate}' has never reported"));
        }

        return Task.FromResult(new GetLatestPositionResponse
        {
            Position = new VehiclePosition
            {
                Plate = request.Plate,
                FixTime = Timestamp.FromDateTimeOffset(fix),
                ReceivedTime = Timestamp.FromDateTimeOffset(fix),
                Lat = 29.60,
                Lon = 106.50,
            },
        });
    }
}
