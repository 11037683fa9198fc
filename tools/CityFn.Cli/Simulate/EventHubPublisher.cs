using Azure.Identity;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;

namespace CityFn.Cli.Simulate;

/// <summary>
/// `--publish`: sends the messages to a real Event Hubs namespace (hubs traffic and sensors) with
/// DefaultAzureCredential, batched per device because the partition key (= device address) is per batch.
/// Thin on purpose and not tested here (no Event Hubs locally): it only maps messages to EventData.
/// </summary>
internal sealed class EventHubPublisher : IAsyncDisposable
{
    private readonly Dictionary<string, EventHubProducerClient> _producers;

    public EventHubPublisher(string fullyQualifiedNamespace)
    {
        var credential = new DefaultAzureCredential();
        _producers = new Dictionary<string, EventHubProducerClient>(StringComparer.Ordinal)
        {
            [SimulationSettings.TrafficHub] = new(fullyQualifiedNamespace, SimulationSettings.TrafficHub, credential),
            [SimulationSettings.SensorsHub] = new(fullyQualifiedNamespace, SimulationSettings.SensorsHub, credential),
        };
    }

    /// <summary>Sends every message, one batch (or more when full) per device, in the order given per device.</summary>
    public async Task SendAsync(IEnumerable<OutgoingMessage> messages, CancellationToken cancellationToken = default)
    {
        foreach (var device in messages.GroupBy(m => (m.Hub, m.Device)))
        {
            var producer = _producers[device.Key.Hub];
            var options = new CreateBatchOptions { PartitionKey = device.Key.Device };
            var batch = await producer.CreateBatchAsync(options, cancellationToken);
            try
            {
                foreach (var message in device)
                {
                    var data = new EventData(message.Body);
                    data.Properties[Core.Ingest.Capture.CaptureEvent.SignatureProperty] = message.Signature;
                    if (batch.TryAdd(data))
                    {
                        continue;
                    }

                    await producer.SendAsync(batch, cancellationToken);
                    batch.Dispose();
                    batch = await producer.CreateBatchAsync(options, cancellationToken);
                    if (!batch.TryAdd(data))
                    {
                        throw new InvalidOperationException($"A {message.Body.Length}-byte message does not fit an empty Event Hubs batch.");
                    }
                }

                if (batch.Count > 0)
                {
                    await producer.SendAsync(batch, cancellationToken);
                }
            }
            finally
            {
                batch.Dispose();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var producer in _producers.Values)
        {
            await producer.DisposeAsync();
        }
    }
}
