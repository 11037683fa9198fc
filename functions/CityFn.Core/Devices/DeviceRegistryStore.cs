using Azure;
using Azure.Data.Tables;
using CityFn.Core.Ingest;

namespace CityFn.Core.Devices;

/// <summary>
/// Device registrations in Table storage (table "Devices", PK device address, RK "registration").
/// A registration replaces the stored one only with a higher nonce.
/// </summary>
public sealed class DeviceRegistryStore(TableServiceClient tables)
{
    public const string TableName = "Devices";
    private const string RowKey = "registration";

    /// <summary>Stores <paramref name="registration"/> unless one with the same or a higher nonce exists; returns whether it was stored.</summary>
    public async Task<bool> SaveAsync(DeviceRegistration registration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var table = await TableAsync(cancellationToken);
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(registration.Device, RowKey, cancellationToken: cancellationToken);
        if (existing.HasValue && existing.Value!.GetInt64("Nonce") >= registration.Nonce)
        {
            return false;
        }

        var entity = new TableEntity(registration.Device, RowKey)
        {
            ["Owner"] = registration.Owner,
            ["Kind"] = SensorKinds.WireName(registration.Kind),
            ["Lat"] = registration.Location.Lat,
            ["Lon"] = registration.Location.Lon,
            ["Segment"] = registration.Location.Segment,
            ["Nonce"] = registration.Nonce,
            ["RegisteredAt"] = registration.RegisteredAt,
        };
        try
        {
            if (existing.HasValue)
            {
                await table.UpdateEntityAsync(entity, existing.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
            }
            else
            {
                await table.AddEntityAsync(entity, cancellationToken);
            }
        }
        catch (RequestFailedException exception) when (exception.Status is 409 or 412)
        {
            // Another registration won the race; it is re-read and compared by whoever retries.
            return false;
        }

        return true;
    }

    public async Task<DeviceRegistration?> FindAsync(string device, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(cancellationToken);
        var entity = await table.GetEntityIfExistsAsync<TableEntity>(device, RowKey, cancellationToken: cancellationToken);
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
        await foreach (var entity in table.QueryAsync<TableEntity>(e => e.RowKey == RowKey, cancellationToken: cancellationToken))
        {
            registrations.Add(ToRegistration(entity));
        }

        return registrations;
    }

    private static DeviceRegistration ToRegistration(TableEntity entity)
    {
        SensorKinds.TryParse(entity.GetString("Kind"), out var kind);
        return new DeviceRegistration(
            entity.PartitionKey, entity.GetString("Owner"), kind,
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
