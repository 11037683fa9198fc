using System.Text.Json.Serialization;
using CityFn.Core.Devices;

namespace CityFn.Cli.Simulate;

/// <summary>DIR/registry.json: every simulated device with its owner and both EIP-712 signatures, ready for `cityfn register --file`.</summary>
public sealed record RegistryFile(int Version, int Seed, long ChainId, IReadOnlyList<RegistryEntry> Devices)
{
    public const int CurrentVersion = 1;
}

/// <summary>One device: the simulator's id (dev-0007) and the signed registration request POST /api/devices takes.</summary>
public sealed record RegistryEntry(string Id, DeviceRegistrationRequest Registration);

/// <summary>
/// One line of DIR/truth.jsonl: a device-minute that is faulty. <see cref="Seq"/> is the sequence number of the
/// message sent for that minute (absent for a dropout); for a replay it is the re-sent message's old number and
/// <see cref="ReplayOf"/> the minute that message was first sent for.
/// </summary>
public sealed record TruthRecord(
    string Device,
    string Id,
    string Kind,
    string Minute,
    string Fault,
    long? Seq,
    string? ReplayOf,
    string EpisodeStart,
    string EpisodeEnd);

/// <summary>What a simulate run wrote (printed as JSON with --json, and as a table otherwise).</summary>
public sealed record SimulationSummary(
    int Devices,
    int Minutes,
    long DeviceMinutes,
    long Messages,
    long FreshMessages,
    long ReplayedMessages,
    long DroppedMinutes,
    long FaultyDeviceMinutes,
    long Readings,
    IReadOnlyDictionary<string, long> MessagesPerHub,
    int Files,
    long Bytes,
    int Notified,
    double Seconds);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false)]
[JsonSerializable(typeof(RegistryFile))]
[JsonSerializable(typeof(TruthRecord))]
[JsonSerializable(typeof(SimulationSummary))]
[JsonSerializable(typeof(RegistryImportResult))]
internal sealed partial class SimulateJsonContext : JsonSerializerContext;
