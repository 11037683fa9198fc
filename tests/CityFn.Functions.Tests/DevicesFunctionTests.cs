using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using CityFn.Core.Devices;
using CityFn.Core.Ingest;
using CityFn.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace CityFn.Functions.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class DevicesFunctionTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_signed_registration_is_stored_shown_by_GET_with_its_ingest_counts_and_its_replay_is_a_409_with_the_reason()
    {
        var tables = new TableServiceClient(azurite.ConnectionString);
        var store = new DeviceRegistryStore(tables);
        var function = Scoring.FunctionsTestServices.Devices(azurite.ConnectionString, store);
        var ownerSecret = RandomNumberGenerator.GetBytes(32);
        var deviceSecret = RandomNumberGenerator.GetBytes(32);
        var device = DeviceKey.FromBytes(deviceSecret).Address;
        var request = new DeviceRegistrationRequest(device, DeviceKey.FromBytes(ownerSecret).Address, "noise", 523_702_000, 48_952_000, null, 1);
        request = request with
        {
            OwnerSignature = DeviceRegistrationService.Sign(request, 31337, ownerSecret),
            DeviceSignature = DeviceRegistrationService.Sign(request, 31337, deviceSecret),
        };
        var json = JsonSerializer.Serialize(request, DeviceJsonContext.Default.DeviceRegistrationRequest);
        await tables.GetTableClient(IngestStorage.DeviceStatsTable).CreateIfNotExistsAsync();
        await tables.GetTableClient(IngestStorage.DeviceStatsTable).UpsertEntityAsync(DeviceIngestStatsStore.Row(
            device, "ns_noise_0_2026_11_25_12_00_00", 4, 240, new Dictionary<string, long> { ["value_out_of_range"] = 2, ["duplicate_message"] = 1 }));
        await tables.GetTableClient(IngestStorage.DeviceStatsTable).UpsertEntityAsync(DeviceIngestStatsStore.Row(
            device, "ns_noise_0_2026_11_25_12_01_00", 1, 60, new Dictionary<string, long> { ["value_out_of_range"] = 3 }));

        var created = Assert.IsType<JsonResult>(await function.Register(Post(json), CancellationToken.None));
        var replay = Assert.IsType<JsonResult>(await function.Register(Post(json), CancellationToken.None));
        var shown = Assert.IsType<JsonResult>(await function.Get(new DefaultHttpContext().Request, device.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal), CancellationToken.None));
        var malformed = Assert.IsType<JsonResult>(await function.Register(Post("{not json"), CancellationToken.None));

        Assert.Equal(StatusCodes.Status200OK, created.StatusCode);
        Assert.Equal(StatusCodes.Status409Conflict, replay.StatusCode);
        Assert.Equal("stale_nonce", ((DeviceRegistrationResult)replay.Value!).Reason);
        var view = (CityFn.Core.Scoring.DeviceDetails)shown.Value!;
        Assert.Equal("noise", view.Kind);
        Assert.NotNull(view.Ingest);
        Assert.Equal(5, view.Ingest.AcceptedMessages);
        Assert.Equal(300, view.Ingest.AcceptedReadings);
        Assert.Equal(6, view.Ingest.RejectedMessages);
        Assert.Equal(5, view.Ingest.Rejected["value_out_of_range"]);
        Assert.Equal(2, view.Ingest.Files);
        Assert.Contains("\"ingest\":{\"acceptedMessages\":5", JsonSerializer.Serialize(view, CityFn.Core.Scoring.ScoringJsonContext.Default.DeviceDetails), StringComparison.Ordinal);
        Assert.Equal(StatusCodes.Status400BadRequest, malformed.StatusCode);
        Assert.IsType<NotFoundResult>(await function.Get(new DefaultHttpContext().Request, DeviceKey.Generate().Address, CancellationToken.None));
    }

    private static HttpRequest Post(string body)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return context.Request;
    }
}
