using System.Globalization;
using CityFn.Core.Devices;
using CityFn.Core.Ingest;
using CityFn.Simulator;

namespace CityFn.Cli.Simulate;

/// <summary>
/// A <see cref="CitySimulation"/> with keys: turns each device-minute into the signed message the device sends
/// (one message per minute, one 60-second sample per channel, seq = minute index + 1), re-sends the very same
/// message (bytes, signature, seq) for a replayed minute, sends nothing for a dropout, and describes every
/// faulty device-minute as a <see cref="TruthRecord"/>. Messages are enqueued 1–5 s after their minute ends.
/// </summary>
internal sealed class SignedCity
{
    private const int SentHistoryMinutes = 64;

    private readonly SimulationSettings _settings;
    private readonly DeviceKey[] _keys;
    private readonly string[] _owners;
    private readonly Random _jitter;
    private readonly OutgoingMessage?[,] _sent;
    private readonly ILookup<int, FaultEpisode> _faults;

    public SignedCity(SimulationSettings settings)
    {
        _settings = settings;
        Simulation = new CitySimulation(settings.City);
        var seed = settings.City.Seed;
        _keys = [.. Simulation.Devices.Select(d => DeviceKey.FromBytes(SimulationKeys.DeviceSecret(seed, d.Index)))];
        _owners = [.. Enumerable.Range(0, settings.Owners).Select(i => DeviceKey.FromBytes(SimulationKeys.OwnerSecret(seed, i)).Address)];
        _jitter = new Random(seed);
        _sent = new OutgoingMessage?[Simulation.Devices.Count, SentHistoryMinutes];
        _faults = Simulation.Faults.ToLookup(f => f.DeviceIndex);
    }

    public CitySimulation Simulation { get; }

    public string Address(int deviceIndex) => _keys[deviceIndex].Address;

    public static string HubOf(SensorKind kind) => kind == SensorKind.Traffic ? SimulationSettings.TrafficHub : SimulationSettings.SensorsHub;

    /// <summary>Every device's registration, signed by its owner and by the device (EIP-712, chain id of the settings).</summary>
    public RegistryFile Registry()
    {
        var seed = _settings.City.Seed;
        var entries = new List<RegistryEntry>(Simulation.Devices.Count);
        foreach (var device in Simulation.Devices)
        {
            var ownerIndex = device.Index % _settings.Owners;
            var request = new DeviceRegistrationRequest(
                _keys[device.Index].Address, _owners[ownerIndex], SensorKinds.WireName(device.Kind),
                (long)Math.Round(device.Lat * 1e7), (long)Math.Round(device.Lon * 1e7), device.SegmentId, 1);
            request = request with
            {
                OwnerSignature = DeviceRegistrationService.Sign(request, _settings.ChainId, SimulationKeys.OwnerSecret(seed, ownerIndex)),
                DeviceSignature = DeviceRegistrationService.Sign(request, _settings.ChainId, SimulationKeys.DeviceSecret(seed, device.Index)),
            };
            entries.Add(new RegistryEntry(device.Id, request));
        }

        return new RegistryFile(RegistryFile.CurrentVersion, seed, _settings.ChainId, entries);
    }

    /// <summary>The messages sent for one simulated minute, in device order, and the truth records of its faulty device-minutes.</summary>
    public (List<OutgoingMessage> Messages, List<TruthRecord> Truth) Sign(SimulationMinute minute)
    {
        var readings = minute.Readings;
        var sendAt = minute.MinuteStart.AddMinutes(1);
        var messages = new OutgoingMessage?[readings.Count];
        var fresh = new List<int>(readings.Count);
        foreach (var reading in readings)
        {
            var device = reading.Device;
            var enqueued = sendAt.AddSeconds(_jitter.Next(1, 6));
            if (reading.Fault == FaultKind.Replayed)
            {
                var original = _sent[device.Index, reading.ReplayOfMinute!.Value % SentHistoryMinutes]
                    ?? throw new InvalidOperationException($"Device {device.Id} replays minute {reading.ReplayOfMinute} but sent nothing then.");
                messages[device.Index] = original with { Enqueued = enqueued, IsReplay = true };
            }
            else if (reading.Emitted is { } values)
            {
                var body = DeviceMessageJson.Serialize(new DeviceMessage(
                    _keys[device.Index].Address, minute.Minute + 1L, device.Kind,
                    new GeoLocation(Math.Round(device.Lat, 7), Math.Round(device.Lon, 7), device.SegmentId),
                    minute.MinuteStart, 60, [.. values.Select(v => new[] { v })]));
                messages[device.Index] = new OutgoingMessage(
                    HubOf(device.Kind), Partition(device.Index), _keys[device.Index].Address, device.Index, minute.Minute + 1L, body, "", enqueued, false);
                fresh.Add(device.Index);
            }
        }

        // Signing is most of the work (one secp256k1 signature per message); signatures are deterministic (RFC 6979), so order does not matter.
        Parallel.ForEach(fresh, index => messages[index] = messages[index]! with
        {
            Signature = "0x" + Convert.ToHexStringLower(_keys[index].Sign(messages[index]!.Body)),
        });

        var truth = new List<TruthRecord>();
        foreach (var reading in readings)
        {
            var device = reading.Device;
            var message = messages[device.Index];
            _sent[device.Index, minute.Minute % SentHistoryMinutes] = message is { IsReplay: false } ? message : null;
            if (reading.Fault != FaultKind.None)
            {
                var episode = _faults[device.Index].First(f => f.Covers(minute.Minute));
                truth.Add(new TruthRecord(
                    _keys[device.Index].Address, device.Id, SensorKinds.WireName(device.Kind), Time(minute.MinuteStart),
                    FaultKinds.Code(reading.Fault), message?.Sequence,
                    reading.ReplayOfMinute is { } source ? Time(_settings.City.Start.AddMinutes(source)) : null,
                    Time(_settings.City.Start.AddMinutes(episode.StartMinute)), Time(_settings.City.Start.AddMinutes(episode.EndMinute))));
            }
        }

        return ([.. messages.OfType<OutgoingMessage>()], truth);
    }

    /// <summary>A fixed partition per device (Event Hubs hashes the partition key; any stable mapping keeps a device in order).</summary>
    public int Partition(int deviceIndex) =>
        Convert.FromHexString(_keys[deviceIndex].Address.AsSpan(_keys[deviceIndex].Address.Length - 2))[0] % _settings.Partitions;

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
