using HazChem.Transport.Telemetry.Jt808;

namespace HazChem.Transport.Telemetry.Tcp;

/// <summary>
/// Reassembles subpackaged messages of one connection (JT808.md §2.3): packets are grouped by message id, total
/// and the serial of packet 1 (serials are consecutive) and joined in index order, whatever order they arrive in.
/// Incomplete messages are dropped after a timeout; memory is bounded per connection.
/// </summary>
internal sealed class Jt808SubpackageAssembler(TimeSpan timeout)
{
    private const int MaxPendingMessages = 8;
    private const int MaxPackets = 1024;

    private readonly Dictionary<(ushort MessageId, ushort FirstSerial, int Total), Pending> _pending = [];

    /// <summary>
    /// Adds a packet; returns the whole message (header of packet 1 without subpackage fields, joined body) once
    /// every packet is there. <paramref name="problem"/> is set when the packet cannot be used.
    /// </summary>
    public (Jt808Header Header, byte[] Body)? Add(in Jt808Header header, Jt808Subpackage packet, DateTimeOffset now, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(packet);
        problem = null;
        foreach (var expired in _pending.Where(p => now - p.Value.Started > timeout).Select(p => p.Key).ToList())
        {
            _pending.Remove(expired);
        }

        if (packet.Total is < 1 or > MaxPackets || packet.Index < 1 || packet.Index > packet.Total)
        {
            problem = FormattableString.Invariant($"package index {packet.Index} of total {packet.Total} is out of range (1..total, total ≤ {MaxPackets})");
            return null;
        }

        var firstSerial = (ushort)(header.SerialNumber - (packet.Index - 1));
        var key = (header.MessageId, firstSerial, packet.Total);
        if (!_pending.TryGetValue(key, out var pending))
        {
            if (_pending.Count >= MaxPendingMessages)
            {
                var oldest = _pending.MinBy(p => p.Value.Started).Key;
                _pending.Remove(oldest);
            }

            pending = new Pending(new byte[]?[packet.Total], now);
            _pending[key] = pending;
        }

        if (pending.Parts[packet.Index - 1] is null)
        {
            pending.Parts[packet.Index - 1] = packet.Body.ToArray();
            pending.Received++;
        }

        if (packet.Index == 1)
        {
            pending.FirstHeader = header;
        }

        if (pending.Received < packet.Total || pending.FirstHeader is not { } first)
        {
            return null;
        }

        _pending.Remove(key);
        var body = new byte[pending.Parts.Sum(p => p!.Length)];
        var offset = 0;
        foreach (var part in pending.Parts)
        {
            part!.CopyTo(body, offset);
            offset += part.Length;
        }

        var whole = first with { IsSubpackage = false, PackageTotal = 0, PackageIndex = 0, BodyLength = body.Length, SerialNumber = firstSerial };
        return (whole, body);
    }

    private sealed class Pending(byte[]?[] parts, DateTimeOffset started)
    {
        public byte[]?[] Parts { get; } = parts;

        public DateTimeOffset Started { get; } = started;

        public int Received { get; set; }

        public Jt808Header? FirstHeader { get; set; }
    }
}
