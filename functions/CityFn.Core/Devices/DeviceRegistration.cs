using CityFn.Core.Ingest;

namespace CityFn.Core.Devices;

/// <summary>A device bound to its owner's payout wallet (addresses lowercase 0x-hex).</summary>
public sealed record DeviceRegistration(
    string Device,
    string Owner,
    SensorKind Kind,
    GeoLocation Location,
    long Nonce,
    DateTimeOffset RegisteredAt);

/// <summary>Looks up registrations by device address; the ingest stage loads the devices a file mentions.</summary>
public interface IDeviceDirectory
{
    DeviceRegistration? Find(string device);
}

/// <summary>A fixed set of registrations (tests, the benchmark, and the snapshot a stage run loads).</summary>
public sealed class DeviceDirectory(IEnumerable<DeviceRegistration> registrations) : IDeviceDirectory
{
    private readonly Dictionary<string, DeviceRegistration> _byDevice =
        registrations.ToDictionary(r => r.Device, StringComparer.Ordinal);

    public DeviceRegistration? Find(string device) => _byDevice.GetValueOrDefault(device);

    /// <summary>Every registration in the snapshot (the scoring stage finds neighbours and detectors per segment in it).</summary>
    public IReadOnlyCollection<DeviceRegistration> All => _byDevice.Values;
}
