using System.Security.Cryptography;
using Azure.Data.Tables;
using CityFn.Core.Devices;
using CityFn.Core.Ethereum;
using CityFn.Core.Ingest;
using CityFn.Core.Rewards;
using CityFn.Core.Rewards.Ledger;
using CityFn.TestSupport;
using Microsoft.Extensions.Options;

namespace CityFn.Core.Tests.Rewards;

[Collection(AzuriteCollection.Name)]
public sealed class EpochLedgerStoreTests(AzuriteFixture azurite)
{
    // Each test writes its own epoch: the collection shares one Azurite.
    private readonly long _epoch = RandomNumberGenerator.GetInt32(1_000_000, int.MaxValue);

    [Fact]
    public async Task Samples_from_several_sources_add_up_and_registry_fields_fill_the_contribution()
    {
        var owner = NewAddress();
        var device = await RegisterAsync(owner, SensorKind.Traffic, segment: "seg-12");
        var store = Store();

        await store.RecordSamplesAsync([
            new(_epoch, device, "capture/traffic/0/2026/11/25/15/00/00.avro", 20),
            new(_epoch, device, "capture/traffic/1/2026/11/25/15/01/00.avro", 25),
        ]);
        var ledger = await store.ReadAsync(_epoch);

        var data = Assert.Single(ledger.Data);
        Assert.Equal(_epoch, data.Epoch);
        Assert.Equal(device, data.Device.ToLowerHex());
        Assert.Equal(owner, data.Owner.ToLowerHex());
        Assert.Equal("traffic:seg-12", data.CellId);
        Assert.Equal(45, data.AcceptedSamples);
        Assert.Equal(60, data.ExpectedSamples); // 1 hour / 1 minute
        Assert.Equal(1m, data.Quality); // no quality rows: UnscoredQuality
    }

    [Fact]
    public async Task Recording_a_source_again_replaces_its_row_instead_of_adding_to_it()
    {
        var device = await RegisterAsync(NewAddress(), SensorKind.Air);
        var store = Store();

        await store.RecordSamplesAsync([new(_epoch, device, "blob-a", 30)]);
        await store.RecordSamplesAsync([new(_epoch, device, "blob-a", 30)]);
        Assert.Equal(30, Assert.Single((await store.ReadAsync(_epoch)).Data).AcceptedSamples);

        await store.RecordSamplesAsync([new(_epoch, device, "blob-a", 12)]);
        Assert.Equal(12, Assert.Single((await store.ReadAsync(_epoch)).Data).AcceptedSamples);
    }

    [Fact]
    public async Task Quality_is_the_mean_over_all_windows_of_the_epoch()
    {
        var device = await RegisterAsync(NewAddress(), SensorKind.Noise);
        var store = Store();

        await store.RecordSamplesAsync([new(_epoch, device, "blob", 60)]);
        await store.RecordQualityAsync([new(_epoch, device, "job-1", 9.0, 10), new(_epoch, device, "job-2", 1.5, 5)]);

        Assert.Equal(0.7m, Assert.Single((await store.ReadAsync(_epoch)).Data).Quality); // 10.5 / 15
    }

    [Fact]
    public async Task Source_ids_with_characters_a_row_key_forbids_are_stored_and_kept_apart()
    {
        var device = await RegisterAsync(NewAddress(), SensorKind.Weather);
        var store = Store();

        await store.RecordSamplesAsync([
            new(_epoch, device, "capture/a#1?x", 5),
            new(_epoch, device, "capture\\a#1?x", 7),
            new(_epoch, device, "tab\there", 11),
        ]);

        Assert.Equal(23, Assert.Single((await store.ReadAsync(_epoch)).Data).AcceptedSamples);
    }

    [Fact]
    public async Task Compute_rows_add_up_per_host_and_model_with_the_policy_cost_weight_and_quarantines_are_read()
    {
        var host = NewAddress();
        var cheat = NewAddress();
        var @operator = NewAddress();
        var store = Store(new RewardsPolicyOptions { ModelCostWeights = "traffic-forecast=2.5" });

        await store.RecordComputeAsync([
            new(_epoch, host, "traffic-forecast", "job-1", 100, @operator),
            new(_epoch, host, "traffic-forecast", "job-2", 50, @operator),
            new(_epoch, host, "sensor-quality", "job-3", 10, @operator),
            new(_epoch, cheat, "traffic-forecast", "job-4", 70, @operator),
        ]);
        await store.RecordQuarantinesAsync([new(_epoch, cheat, "score mismatch", "evidence/job-4.json")]);
        var ledger = await store.ReadAsync(_epoch);

        var forecast = Assert.Single(ledger.Compute, c => c.Host.ToLowerHex() == host && c.Model == "traffic-forecast");
        Assert.Equal(150, forecast.VerifiedRows);
        Assert.Equal(2.5m, forecast.ModelCostWeight);
        Assert.Equal(@operator, forecast.Operator.ToLowerHex());
        Assert.Equal(1m, Assert.Single(ledger.Compute, c => c.Model == "sensor-quality").ModelCostWeight);
        var quarantine = Assert.Single(ledger.Quarantines);
        Assert.Equal(cheat, quarantine.Host.ToLowerHex());
        Assert.Equal("score mismatch", quarantine.Reason);
    }

    [Fact]
    public async Task Hundreds_of_records_in_one_call_are_all_stored()
    {
        var devices = new List<string>();
        for (var i = 0; i < 230; i++)
        {
            devices.Add(await RegisterAsync(NewAddress(), SensorKind.Air));
        }

        var store = Store();
        await store.RecordSamplesAsync(devices.Select((d, i) => new SampleRecord(_epoch, d, "blob", i + 1)));
        var ledger = await store.ReadAsync(_epoch);

        Assert.Equal(230, ledger.Data.Count);
        Assert.Equal(230 * 231 / 2, ledger.Data.Sum(d => d.AcceptedSamples));
    }

    [Fact]
    public async Task A_device_that_is_not_registered_is_left_out()
    {
        var store = Store();

        await store.RecordSamplesAsync([new(_epoch, NewAddress(), "blob", 60)]);

        Assert.Empty((await store.ReadAsync(_epoch)).Data);
    }

    [Fact]
    public async Task Epochs_do_not_see_each_others_rows()
    {
        var device = await RegisterAsync(NewAddress(), SensorKind.Air);
        var store = Store();

        await store.RecordSamplesAsync([new(_epoch, device, "blob", 3), new(_epoch + 1, device, "blob", 4)]);

        Assert.Equal(3, Assert.Single((await store.ReadAsync(_epoch)).Data).AcceptedSamples);
        Assert.Equal(4, Assert.Single((await store.ReadAsync(_epoch + 1)).Data).AcceptedSamples);
    }

    [Fact]
    public async Task A_bad_record_is_refused_with_its_problem_and_nothing_of_the_call_is_written()
    {
        var device = await RegisterAsync(NewAddress(), SensorKind.Air);
        var store = Store();

        var badAddress = await Assert.ThrowsAsync<ArgumentException>(() => store.RecordSamplesAsync([
            new(_epoch, device, "blob", 3), new(_epoch, "0x1234", "blob", 4)]));
        var badQuality = await Assert.ThrowsAsync<ArgumentException>(() => store.RecordQualityAsync([
            new(_epoch, device, "job", 6.0, 5)]));

        Assert.Contains("not an address", badAddress.Message, StringComparison.Ordinal);
        Assert.Contains("QualitySum 6", badQuality.Message, StringComparison.Ordinal);
        Assert.False(await store.HasRowsAsync(_epoch));
    }

    [Fact]
    public void Devices_of_other_kinds_compete_in_lat_lon_grid_cells()
    {
        DeviceRegistration At(double lat, double lon) =>
            new("0x01", "0x02", SensorKind.Air, new GeoLocation(lat, lon, null), 0, DateTimeOffset.UnixEpoch);

        Assert.Equal("air:5238:1311", LocationCell.Of(At(52.3812, 13.1109), 100_000));
        Assert.Equal(LocationCell.Of(At(52.3801, 13.1101), 100_000), LocationCell.Of(At(52.3899, 13.1199), 100_000));
        Assert.Equal("air:-1:-1", LocationCell.Of(At(-0.0001, -0.0001), 100_000));
    }

    private EpochLedgerStore Store(RewardsPolicyOptions? policy = null)
    {
        var tables = new TableServiceClient(azurite.ConnectionString);
        return new EpochLedgerStore(tables, new DeviceRegistryStore(tables), Options.Create(policy ?? new RewardsPolicyOptions()));
    }

    private async Task<string> RegisterAsync(string owner, SensorKind kind, string? segment = null)
    {
        var device = NewAddress();
        var registration = new DeviceRegistration(device, owner, kind, new GeoLocation(52.52, 13.405, segment), 1, DateTimeOffset.UtcNow);
        Assert.True(await new DeviceRegistryStore(new TableServiceClient(azurite.ConnectionString)).SaveAsync(registration));
        return device;
    }

    private static string NewAddress() => EthAddress.FromBytes(RandomNumberGenerator.GetBytes(20)).ToLowerHex();
}
