using Azure;
using Azure.Data.Tables;
using CityFn.Core.Ingest;
using CityFn.Core.Storage;

namespace CityFn.Core.Devices;

/// <summary>
/// Device registrations in Table storage: table "Devices", one row per device, PartitionKey <c>dev-{xx}</c>
/// (xx: the first byte of the address in hex, so 256 partitions) and RowKey the device address. A registration
/// replaces the stored one only with a higher nonce.
/// Rows written before 2026-11-26 have PartitionKey = the device and RowKey "registration" (legacy layout); they
/// are still read, and the device's next registration replaces the legacy row with one in today's layout. Why
/// the layout changed: Azurite looks an entity up by its RowKey index first, so a RowKey shared by every row
/// made each write scan the whole table (hours of local setup for 100k devices), and one partition per device
/// allowed no batch transaction at all; shared partitions let a bulk load write 100 rows per transaction.
/// </summary>
public sealed class DeviceRegistryStore(TableServiceClient tables)
{
    public const string TableName = "Devices";
    private const string LegacyRowKey = "registration";

    private static readonly string[] PartitionBoundaries = [.. TableRangeReader.HexDigitBoundaries("dev-")];

    /// <summary>The partition of a device's row: <c>dev-</c> and the first byte of its (0x-lowercase) address.</summary>
    public static string PartitionOf(string device)
    {
        ArgumentException.ThrowIfNullOrEmpty(device);
        return device.Length >= 4 && device.StartsWith("0x", StringComparison.Ordinal)
            ? "dev-" + device[2..4]
            : throw new ArgumentException($"'{device}' is not a 0x-prefixed device address.", nameof(device));
    }

    /// <summary>The row of a registration as this store writes it (benchmarks bulk-load rows with it).</summary>
    public static TableEntity ToEntity(DeviceRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return new TableEntity(PartitionOf(registration.Device), registration.Device)
        {
            ["Owner"] = registration.Owner,
            ["Kind"] = SensorKinds.WireName(registration.Kind),
            ["Lat"] = registration.Location.Lat,
            ["Lon"] = registration.Location.Lon,
            ["Segment"] = registration.Location.Segment,
            ["Nonce"] = registration.Nonce,
            ["RegisteredAt"] = registration.RegisteredAt,
        };
    }

    /// <summary>Stores <paramref name="registration"/> unless one with the same or a higher nonce exists; returns whether it was stored.</summary>
    public async Task<bool> SaveAsync(DeviceRegistration registration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var table = await TableAsync(cancellationToken);
        var device = registration.Device;
        var current = await table.GetEntityIfExistsAsync<TableEntity>(PartitionOf(device), device, cancellationToken: cancellationToken);
        var legacy = current.HasValue ? null : await table.GetEntityIfExistsAsync<TableEntity>(device, LegacyRowKey, cancellationToken: cancellationToken);
        var existing = current.HasValue ? current.Value : legacy is { HasValue: true } ? legacy.Value : null;
        if (existing is not null && existing.GetInt64("Nonce") >= registration.Nonce)
        {
            return false;
        }

        try
        {
            if (current.HasValue)
            {
                await table.UpdateEntityAsync(ToEntity(registration), current.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
            }
            else
            {
                await table.AddEntityAsync(ToEntity(registration), cancellationToken);
            }
        }
        catch (RequestFailedException exception) when (exception.Status is 409 or 412)
        {
            // Another registration won the race; it is re-read and compared by whoever retries.
            return false;
        }

        if (legacy is { HasValue: true })
        {
            try
            {
                await table.DeleteEntityAsync(device, LegacyRowKey, legacy.Value!.ETag, cancellationToken);
            }
            catch (RequestFailedException)
            {
                // Superseded by the row just written anyway: a legacy row left behind is ignored by reads.
            }
        }

        return true;
    }

    public async Task<DeviceRegistration?> FindAsync(string device, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(cancellationToken);
        var entity = await table.GetEntityIfExistsAsync<TableEntity>(PartitionOf(device), device, cancellationToken: cancellationToken);
        if (!entity.HasValue)
        {
            entity = await table.GetEntityIfExistsAsync<TableEntity>(device, LegacyRowKey, cancellationToken: cancellationToken);
        }

        return entity.HasValue ? ToRegistration(entity.Value!) : null;
    }

    /// <summary>
    /// All registrations, as the snapshot one ingest run validates against. A city's devices number in the
    /// tens of thousands, a few MB: cheaper than one lookup per device per file.
    /// </summary>
    public async Task<DeviceDirectory> LoadDirectoryAsync(CancellationToken cancellationToken = default) =>
        new(await ListAsync(cancellationToken));

    /// <summary>All registrations (the directory above, and the dashboard's sensor map).</summary>
    public async Task<IReadOnlyList<DeviceRegistration>> ListAsync(CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(cancellationToken);
        var registrations = new List<DeviceRegistration>();
        var legacy = new List<DeviceRegistration>();
        // 16 ranges of partitions read side by side (legacy rows, PartitionKey 0x…, sort before dev-0).
        foreach (var entity in await TableRangeReader.ReadAsync(table, partitionKey: null, PartitionBoundaries, cancellationToken))
        {
            (entity.RowKey == LegacyRowKey ? legacy : registrations).Add(ToRegistration(entity));
        }

        if (legacy.Count == 0)
        {
            return registrations;
        }

        // A device with rows in both layouts (its legacy row was not deleted): today's row is the newer one.
        var current = registrations.Select(r => r.Device).ToHashSet(StringComparer.Ordinal);
        return [.. registrations, .. legacy.Where(r => !current.Contains(r.Device))];
    }

    private static DeviceRegistration ToRegistration(TableEntity entity)
    {
        SensorKinds.TryParse(entity.GetString("Kind"), out var kind);
        return new DeviceRegistration(
            entity.RowKey == LegacyRowKey ? entity.PartitionKey : entity.RowKey, entity.GetString("Owner"), kind,
            new GeoLocation(entity.GetDouble("Lat") ?? 0, entity.GetDouble("Lon") ?? 0, entity.GetString("Segment")),
            entity.GetInt64("Nonce") ?? 0, entity.GetDateTimeOffset("RegisteredAt") ?? DateTimeOffset.UnixEpoch);
    }

    private async Task<TableClient> TableAsync(CancellationToken cancellationToken)
    {
        var table = tables.GetTableClient(TableName);
        await table.CreateIfNotExistsAsync(cancellationToken);
        return table;
    }
}
