using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Grpc.Core;
using HazChem.Transport.Telemetry.Domain;
using HazChem.Transport.Telemetry.Jt808;
using HazChem.Transport.Telemetry.Mapping;
using HazChem.Transport.Telemetry.Options;
using HazChem.Transport.Telemetry.Pipeline;
using HazChem.Transport.Telemetry.Registry;

namespace HazChem.Transport.Telemetry.Tcp;

/// <summary>What the connections of one listener share.</summary>
internal sealed record Jt808ConnectionServices(
    IngestPipeline Pipeline,
    IVehicleDirectory Vehicles,
    Jt808AuthCodes AuthCodes,
    Jt808Profiles Profiles,
    Jt808Options Options,
    TimeProvider Time,
    ILogger Logger);

/// <summary>
/// One terminal's TCP connection: frames in through a <see cref="PipeReader"/> (zero-byte reads, so an idle
/// connection holds no buffer), replies out through a <see cref="PipeWriter"/>. The session — which terminal
/// authenticated and the plate it is bound to — lives here; location reports count only once authenticated.
/// Consecutive location frames of one read are ingested as one batch.
/// </summary>
internal sealed partial class Jt808Connection(Socket socket, Jt808ConnectionServices services, long id)
{
    private readonly ILogger _logger = services.Logger;
    private ushort _serial;
    private Jt808TerminalPhone? _authenticatedPhone;
    private string _plate = "";
    private Jt808TerminalPhone? _profilePhone;
    private Jt808TerminalProfile _profile = services.Profiles.Default;
    private Jt808SubpackageAssembler? _subpackages;

    public long Id => id;

    public async Task RunAsync(CancellationToken stopping)
    {
        var remote = socket.RemoteEndPoint?.ToString() ?? "?";
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 1024, minimumReadSize: 256, leaveOpen: true, useZeroByteReads: true));
        var writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 256, leaveOpen: true));
        var idle = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var inbound = new List<Inbound>();
        try
        {
            while (true)
            {
                // The idle clock runs only while waiting for bytes, not while a message is handled (an ingest may
                // take up to Jt808:IngestTimeout).
                idle.CancelAfter(services.Options.IdleTimeout);
                ReadResult read;
                try
                {
                    read = await reader.ReadAsync(idle.Token);
                }
                catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
                {
                    LogIdle(_logger, id, remote, services.Options.IdleTimeout);
                    break;
                }

                if (!idle.TryReset())
                {
                    // The clock ran out just as bytes arrived: they count, start a fresh one.
                    idle.Dispose();
                    idle = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                }

                var buffer = read.Buffer;
                var scratch = ArrayPool<byte>.Shared.Rent(Jt808FrameReader.MaxFrameLength);
                try
                {
                    Decode(ref buffer, scratch, inbound);
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    if (inbound.Count > 0)
                    {
                        await HandleAsync(inbound, writer, stopping);
                        inbound.Clear();
                        await writer.FlushAsync(stopping);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(scratch);
                }

                if (read.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            LogClosed(_logger, id, remote, ex.Message);
        }
        finally
        {
            idle.Dispose();
            await reader.CompleteAsync();
            await writer.CompleteAsync();
        }
    }

    /// <summary>Reads every complete frame of the buffer and decodes it; malformed frames are logged and skipped.</summary>
    private void Decode(ref ReadOnlySequence<byte> buffer, byte[] scratch, List<Inbound> inbound)
    {
        while (true)
        {
            var status = Jt808FrameReader.TryReadFrame(ref buffer, scratch, out var frame, out var error);
            if (status == Jt808ReadStatus.NeedMoreData)
            {
                return;
            }

            if (status == Jt808ReadStatus.Error)
            {
                LogMalformedFrame(_logger, id, _profilePhone, error!.Kind, error.Reason);
                continue;
            }

            var header = frame.Header;
            if (_profilePhone is not { } known || known != header.Phone)
            {
                _profile = services.Profiles.For(header.Phone);
                _profilePhone = header.Phone;
            }

            inbound.Add(Jt808MessageDecoder.TryDecode(frame, _profile, out var message, out var bodyError)
                ? new Inbound(header, message, null)
                : new Inbound(header, null, bodyError));
        }
    }

    private async Task HandleAsync(List<Inbound> inbound, IBufferWriter<byte> writer, CancellationToken stopping)
    {
        var receivedAt = services.Time.GetUtcNow();
        var fixes = new List<Fix>();
        var reports = new List<(Jt808Header Header, int First, int Count)>();
        foreach (var item in inbound)
        {
            if (item.Error is { } error)
            {
                LogMalformedBody(_logger, id, item.Header.Phone, item.Header.MessageId, error.Kind, error.Reason);
                Reply(writer, item.Header, Jt808ReplyResult.MessageError);
                continue;
            }

            var header = item.Header;
            switch (item.Message)
            {
                case Jt808LocationReport report:
                    reports.Add((header, fixes.Count, 1));
                    fixes.Add(ToFix(header, report.Position, receivedAt, late: false));
                    break;
                case Jt808BatchLocationUpload upload:
                    foreach (var rejected in upload.RejectedItems)
                    {
                        var reason = FormattableString.Invariant($"item {rejected.Index}: {rejected.Error.Reason}");
                        LogMalformedBody(_logger, id, header.Phone, header.MessageId, rejected.Error.Kind, reason);
                    }

                    if (upload.StructureError is { } structure)
                    {
                        LogMalformedBody(_logger, id, header.Phone, header.MessageId, structure.Kind, structure.Reason);
                    }

                    if (upload.Positions.Count == 0)
                    {
                        Reply(writer, header, Jt808ReplyResult.MessageError);
                        break;
                    }

                    reports.Add((header, fixes.Count, upload.Positions.Count));
                    fixes.AddRange(upload.Positions.Select(p => ToFix(header, p, receivedAt, late: true)));
                    break;
                default:
                    await FlushLocationsAsync(fixes, reports, writer, stopping);
                    await HandleOtherAsync(header, item.Message!, writer, stopping);
                    break;
            }
        }

        await FlushLocationsAsync(fixes, reports, writer, stopping);
    }

    private async Task FlushLocationsAsync(List<Fix> fixes, List<(Jt808Header Header, int First, int Count)> reports, IBufferWriter<byte> writer, CancellationToken stopping)
    {
        if (fixes.Count == 0)
        {
            return;
        }

        IngestResult? result = null;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping))
        {
            deadline.CancelAfter(services.Options.IngestTimeout);
            try
            {
                result = await services.Pipeline.IngestAsync(fixes, deadline.Token);
            }
            catch (RpcException ex)
            {
                LogIngestFailed(_logger, id, _profilePhone, fixes.Count, ex.Status.Detail);
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                LogIngestFailed(_logger, id, _profilePhone, fixes.Count, "ingest deadline passed");
            }
        }

        var unbound = new HashSet<int>();
        foreach (var (index, rejection) in result?.Rejected ?? [])
        {
            if (rejection.Code == FixCodes.Unbound)
            {
                unbound.Add(index);
            }
        }

        foreach (var (header, first, count) in reports)
        {
            // Quarantined fixes were received and stored: success, or the terminal would resend them forever.
            // Failure for an unauthenticated connection (T-UNBOUND) and when nothing could be stored (it resends).
            var refused = result is null || Enumerable.Range(first, count).Any(unbound.Contains);
            if (result is not null && refused)
            {
                LogUnbound(_logger, id, header.Phone, header.MessageId);
            }

            Reply(writer, header, refused ? Jt808ReplyResult.Failure : Jt808ReplyResult.Success);
        }

        fixes.Clear();
        reports.Clear();
    }

    private async Task HandleOtherAsync(Jt808Header header, Jt808Message message, IBufferWriter<byte> writer, CancellationToken stopping)
    {
        switch (message)
        {
            case Jt808Registration registration:
                await RegisterAsync(header, registration, writer, stopping);
                break;
            case Jt808Authentication authentication:
                await AuthenticateAsync(header, authentication, writer, stopping);
                break;
            case Jt808Heartbeat:
                Reply(writer, header, Jt808ReplyResult.Success);
                break;
            case Jt808Logout:
                Reply(writer, header, Jt808ReplyResult.Success);
                if (_authenticatedPhone is { } phone && phone == header.Phone)
                {
                    LogLoggedOut(_logger, id, phone, _plate);
                    _authenticatedPhone = null;
                    _plate = "";
                }

                break;
            case Jt808Subpackage packet:
                Reply(writer, header, Jt808ReplyResult.Success);
                _subpackages ??= new Jt808SubpackageAssembler(services.Options.SubpackageTimeout);
                var whole = _subpackages.Add(header, packet, services.Time.GetUtcNow(), out var problem);
                if (problem is not null)
                {
                    LogMalformedBody(_logger, id, header.Phone, header.MessageId, Jt808ErrorKind.CountMismatch, problem);
                }
                else if (whole is { } assembled)
                {
                    var frame = new Jt808Frame(assembled.Header, assembled.Body);
                    if (Jt808MessageDecoder.TryDecode(frame, _profile, out var decoded, out var error))
                    {
                        await HandleAsync([new Inbound(assembled.Header, decoded, null)], new ArrayBufferWriter<byte>(), stopping);
                    }
                    else
                    {
                        LogMalformedBody(_logger, id, header.Phone, header.MessageId, error.Kind, error.Reason);
                    }
                }

                break;
            case Jt808GeneralResponse:
                // A terminal's 0x0001 answers a platform command; it needs no reply.
                break;
            default:
                Reply(writer, header, Jt808ReplyResult.NotSupported);
                break;
        }
    }

    private async Task RegisterAsync(Jt808Header header, Jt808Registration registration, IBufferWriter<byte> writer, CancellationToken stopping)
    {
        var digits = header.Phone.ToString();
        VehicleBinding? vehicle;
        try
        {
            vehicle = header.Phone.IsBcd ? await services.Vehicles.FindByTerminalAsync(digits, stopping) : null;
        }
        catch (RegistryUnavailableException ex)
        {
            // No answer: the terminal retries registration; refusing would make it believe it is unknown.
            LogRegistryUnavailable(_logger, id, digits, ex.Message);
            return;
        }

        if (vehicle is null)
        {
            LogRegistrationRefused(_logger, id, digits, registration.Plate);
            Jt808PlatformMessages.WriteRegistrationResponse(writer, header, NextSerial(), Jt808RegistrationResult.TerminalNotInDatabase, null);
            return;
        }

        LogRegistered(_logger, id, digits, vehicle.Plate, registration.Plate);
        Jt808PlatformMessages.WriteRegistrationResponse(writer, header, NextSerial(), Jt808RegistrationResult.Success, services.AuthCodes.For(digits));
    }

    private async Task AuthenticateAsync(Jt808Header header, Jt808Authentication authentication, IBufferWriter<byte> writer, CancellationToken stopping)
    {
        var digits = header.Phone.ToString();
        VehicleBinding? vehicle;
        try
        {
            vehicle = header.Phone.IsBcd ? await services.Vehicles.FindByTerminalAsync(digits, stopping) : null;
        }
        catch (RegistryUnavailableException ex)
        {
            LogRegistryUnavailable(_logger, id, digits, ex.Message);
            Reply(writer, header, Jt808ReplyResult.Failure);
            return;
        }

        if (vehicle is null || !services.AuthCodes.Matches(digits, authentication.AuthCode))
        {
            LogAuthenticationRefused(_logger, id, digits, vehicle is null ? "the terminal is not bound to a registered vehicle" : "wrong authentication code");
            Reply(writer, header, Jt808ReplyResult.Failure);
            return;
        }

        _authenticatedPhone = header.Phone;
        _plate = vehicle.Plate;
        LogAuthenticated(_logger, id, digits, vehicle.Plate);
        Reply(writer, header, Jt808ReplyResult.Success);
    }

    private Fix ToFix(in Jt808Header header, Jt808Position position, DateTimeOffset receivedAt, bool late)
    {
        var authenticated = _authenticatedPhone is { } phone && phone == header.Phone;
        return PositionMapping.FromJt808(position, authenticated ? _plate : "", header.Phone.ToString(), receivedAt, late);
    }

    private void Reply(IBufferWriter<byte> writer, in Jt808Header request, Jt808ReplyResult result) =>
        Jt808PlatformMessages.WriteGeneralResponse(writer, request, NextSerial(), result);

    private ushort NextSerial() => _serial++;

    [LoggerMessage(Level = LogLevel.Warning, Message = "JT/T 808 connection {Connection} (terminal {Phone}): malformed frame rejected, {Kind}: {Reason}")]
    private static partial void LogMalformedFrame(ILogger logger, long connection, Jt808TerminalPhone? phone, Jt808ErrorKind kind, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "JT/T 808 connection {Connection} (terminal {Phone}): message 0x{MessageId:x4} rejected, {Kind}: {Reason}")]
    private static partial void LogMalformedBody(ILogger logger, long connection, Jt808TerminalPhone phone, ushort messageId, Jt808ErrorKind kind, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "JT/T 808 connection {Connection}: terminal {Phone} refused at registration (T-UNBOUND: not bound to a registered vehicle; it names plate {Plate})")]
    private static partial void LogRegistrationRefused(ILogger logger, long connection, string phone, string plate);

    [LoggerMessage(Level = LogLevel.Information, Message = "JT/T 808 connection {Connection}: terminal {Phone} registered for {Plate} (it names plate {ReportedPlate})")]
    private static partial void LogRegistered(ILogger logger, long connection, string phone, string plate, string reportedPlate);

    [LoggerMessage(Level = LogLevel.Warning, Message = "JT/T 808 connection {Connection}: terminal {Phone} authentication refused: {Reason}")]
    private static partial void LogAuthenticationRefused(ILogger logger, long connection, string phone, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "JT/T 808 connection {Connection}: terminal {Phone} authenticated as {Plate}")]
    private static partial void LogAuthenticated(ILogger logger, long connection, string phone, string plate);

    [LoggerMessage(Level = LogLevel.Information, Message = "JT/T 808 connection {Connection}: terminal {Phone} ({Plate}) logged out")]
    private static partial void LogLoggedOut(ILogger logger, long connection, Jt808TerminalPhone phone, string plate);

    [LoggerMessage(Level = LogLevel.Warning, Message = "JT/T 808 connection {Connection}: location 0x{MessageId:x4} from terminal {Phone} refused and quarantined (T-UNBOUND: not authenticated)")]
    private static partial void LogUnbound(ILogger logger, long connection, Jt808TerminalPhone phone, ushort messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "JT/T 808 connection {Connection} (terminal {Phone}): {Count} fixes not stored, answered failure so the terminal resends: {Reason}")]
    private static partial void LogIngestFailed(ILogger logger, long connection, Jt808TerminalPhone? phone, int count, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "JT/T 808 connection {Connection}: registry unavailable for terminal {Phone}: {Reason}")]
    private static partial void LogRegistryUnavailable(ILogger logger, long connection, string phone, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "JT/T 808 connection {Connection} from {Remote} idle for {IdleTimeout}; closed")]
    private static partial void LogIdle(ILogger logger, long connection, string remote, TimeSpan idleTimeout);

    [LoggerMessage(Level = LogLevel.Debug, Message = "JT/T 808 connection {Connection} from {Remote} closed: {Reason}")]
    private static partial void LogClosed(ILogger logger, long connection, string remote, string reason);

    private readonly record struct Inbound(Jt808Header Header, Jt808Message? Message, Jt808Error? Error);
}
