using System.Threading.Channels;
using HazChem.Transport.Contracts.Compliance.V1;

namespace HazChem.Transport.RouteCompliance.Messaging;

/// <summary>
/// Fan-out of violation changes to live watchers (<c>WatchViolations</c>): this process's changes as soon as they are
/// published, every replica's from the violations topic (<see cref="ViolationWatchConsumer"/>). A change seen twice
/// (both ways, or re-published after a crash: same event id) reaches watchers once. Each watcher has a bounded queue;
/// a watcher too slow to keep up loses its oldest pending changes rather than slowing the engine.
/// </summary>
internal sealed class ViolationFeed
{
    /// <summary>Event ids remembered to drop repeats (a change and its copy from the topic arrive well within this).</summary>
    internal const int RememberedEvents = 16_384;

    private readonly Lock _gate = new();
    private readonly List<Channel<ViolationEvent>> _watchers = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Queue<string> _seenOrder = new();

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

    /// <summary>Hands the change to every watcher unless it was handed out already; false for a repeat.</summary>
    public bool Publish(ViolationEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        lock (_gate)
        {
            if (!_seen.Add(e.EventId))
            {
                return false;
            }

            _seenOrder.Enqueue(e.EventId);
            if (_seenOrder.Count > RememberedEvents)
            {
                _seen.Remove(_seenOrder.Dequeue());
            }

            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(e);
            }
        }

        return true;
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
