namespace CityFn.Cli.Simulate;

/// <summary>One signed message as a device sends it: body bytes, `sig` property, hub, partition and the time Event Hubs enqueues it.</summary>
public sealed record OutgoingMessage(
    string Hub,
    int Partition,
    string Device,
    int DeviceIndex,
    long Sequence,
    byte[] Body,
    string Signature,
    DateTimeOffset Enqueued,
    bool IsReplay);
