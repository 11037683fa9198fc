using System.Security.Cryptography;
using Azure.Data.Tables;
using CityFn.Core.Devices;
using CityFn.Core.Ethereum;
using CityFn.Core.Ingest;
using CityFn.TestSupport;

namespace CityFn.Core.Tests.Devices;

[Collection(AzuriteCollection.Name)]
public sealed class DeviceRegistryStoreTests(AzuriteFixture azurite)
{
    private readonly TableServiceClient _tables = new(azurite.ConnectionString);

    [Fact]
    public async Task A_registration_replaces_the_stored_one_only_with_a_higher_nonce()
    {
        var store = new DeviceRegistryStore(_tables);
        var first = Registration(nonce: 2);

        Assert.True(await store.SaveAsync(first));
        Assert.False(await store.SaveAsync(first with { Owner = NewAddress() }));
        Assert.False(await store.SaveAsync(first with { Owner = NewAddress(), Nonce = 1 }));
        var newer = first with { Owner = NewAddress(), Nonce = 3 };
        Assert.True(await store.SaveAsync(newer));

        Assert.Equal(newer, await store.FindAsync(first.Device));
        Assert.Equal(newer, Assert.Single(await store.ListAsync(), r => r.Device == first.Device));
    }

    [Fact]
    public async Task A_row_in_the_legacy_layout_is_read_and_replaced_by_the_devices_next_registration()
    {
        var store = new DeviceRegistryStore(_tables);
        var legacy = Registration(nonce: 1);
        var table = _tables.GetTableClient(DeviceRegistryStore.TableName);
        await table.CreateIfNotExistsAsync();
        // The layout before 2026-11-26: PartitionKey the device, RowKey "registration".
        var row = DeviceRegistryStore.ToEntity(legacy);
        row.PartitionKey = legacy.Device;
        row.RowKey = "registration";
        await table.AddEntityAsync(row);

        var found = await store.FindAsync(legacy.Device);
        var listed = (await store.ListAsync()).Where(r => r.Device == legacy.Device).ToList();
        var stale = await store.SaveAsync(legacy with { Owner = NewAddress() });
        var newer = legacy with { Owner = NewAddress(), Nonce = 2 };
        var replaced = await store.SaveAsync(newer);

        Assert.Equal(legacy, found);
        Assert.Equal([legacy], listed);
        Assert.False(stale);
        Assert.True(replaced);
        Assert.Equal(newer, await store.FindAsync(legacy.Device));
        Assert.Equal(newer, Assert.Single(await store.ListAsync(), r => r.Device == legacy.Device));
        Assert.False((await table.GetEntityIfExistsAsync<TableEntity>(legacy.Device, "registration")).HasValue);
    }

    private static DeviceRegistration Registration(long nonce) => new(
        NewAddress(), NewAddress(), SensorKind.Air, new GeoLocation(48.137, 11.575, null), nonce,
        new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    private static string NewAddress() => EthAddress.FromBytes(RandomNumberGenerator.GetBytes(20)).ToLowerHex();
}
