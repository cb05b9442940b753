using System.Threading.Channels;
using HazChem.Transport.Contracts.Compliance.V1;

namespace HazChem.Transport.RouteCompliance.Messaging;

/// <summary>
/// Fan-out of this process's violation changes to live watchers (<c>WatchViolations</c>). Each watcher has a bounded
/// queue; a watcher too slow to keep up loses its oldest pending changes rather than slowing the engine.
/// </summary>
internal sealed class ViolationFeed
{
    private readonly Lock _gate = new();
    private readonly List<Channel<ViolationEvent>> _watchers = [];

    /// <summary>Registers a watcher; dispose the returned handle to leave.</summary>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<ViolationEvent>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_gate)
        {
            _watchers.Add(channel);
        }

        return new Subscription(this, channel);
    }

    public int WatcherCount
    {
        get
        {
            lock (_gate)
            {
                return _watchers.Count;
            }
        }
    }

    public void Publish(ViolationEvent e)
    {
        lock (_gate)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(e);
            }
        }
    }

    private void Leave(Channel<ViolationEvent> channel)
    {
        lock (_gate)
        {
            _watchers.Remove(channel);
        }

        channel.Writer.TryComplete();
    }

    /// <summary>One watcher's queue.</summary>
    internal sealed class Subscription(ViolationFeed feed, Channel<ViolationEvent> channel) : IDisposable
    {
        public ChannelReader<ViolationEvent> Reader => channel.Reader;

        public void Dispose() => feed.Leave(channel);
    }
}
