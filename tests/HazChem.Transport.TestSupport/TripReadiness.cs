using Confluent.Kafka;

namespace HazChem.Transport.TestSupport;

/// <summary>
/// Waits until RouteCompliance has taken in a waybill: finds the waybill's event on the waybill-events topic and
/// waits until the service's trips consumer group has committed past it (it commits only after the trip is in
/// its directory). Without this, fixes can overtake the waybill event on a busy machine and the truck is judged
/// as travelling with no waybill.
/// </summary>
public static class TripReadiness
{
    /// <summary>The waybill-events topic (its default name).</summary>
    public const string Topic = "hazchem.waybill-events.v1";
    /// <summary>RouteCompliance's trips consumer group (its default name).</summary>
    public const string TripsGroup = "routecompliance-trips";

    /// <summary>Returns once the trips group committed past the waybill's (latest) event; throws <see cref="TimeoutException"/> otherwise.</summary>
    public static async Task WaitAsync(string bootstrapServers, string waybillId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var (partition, offset) = await FindEventAsync(bootstrapServers, waybillId, deadline);
        using var group = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = TripsGroup,
            EnableAutoCommit = false,
        }).Build();
        var committed = Offset.Unset;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                committed = group.Committed([new TopicPartition(Topic, partition)], TimeSpan.FromSeconds(5)).Single().Offset;
                if (committed != Offset.Unset && committed.Value > offset.Value)
                {
                    return;
                }
            }
            catch (KafkaException)
            {
                // The coordinator is busy or the group has not committed yet.
            }

            await Task.Delay(500);
        }

        throw new TimeoutException(
            $"RouteCompliance's group '{TripsGroup}' did not commit past waybill {waybillId}'s event ({Topic} [{partition.Value}] @{offset.Value}) within {timeout}; committed: {committed}.");
    }

    private static async Task<(Partition Partition, Offset Offset)> FindEventAsync(string bootstrapServers, string waybillId, DateTime deadline)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        using var consumer = new ConsumerBuilder<string, Ignore>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "dashboard-tests-probe-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
        }).SetKeyDeserializer(Deserializers.Utf8).Build();
        var assigned = 0;
        while (DateTime.UtcNow < deadline)
        {
            var partitions = admin.GetMetadata(Topic, TimeSpan.FromSeconds(5)).Topics.SelectMany(t => t.Partitions).Select(p => p.PartitionId).ToList();
            if (partitions.Count > assigned)
            {
                consumer.Assign(partitions.Select(p => new TopicPartitionOffset(Topic, p, Offset.Beginning)));
                assigned = partitions.Count;
            }

            var result = assigned == 0 ? null : consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result?.Message is { } message && message.Key == waybillId)
            {
                return (result.Partition, result.Offset);
            }

            if (assigned == 0 || result is null)
            {
                await Task.Delay(200);
            }
        }

        throw new TimeoutException($"Waybill {waybillId}'s event never appeared on {Topic} (is the Waybill outbox publishing?).");
    }
}
