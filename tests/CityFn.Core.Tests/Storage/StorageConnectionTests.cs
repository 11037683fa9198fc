using Azure.Storage.Blobs;
using CityFn.Core.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CityFn.Core.Tests.Storage;

public sealed class StorageConnectionTests
{
    [Fact]
    public void A_connection_string_setting_builds_clients_for_that_account()
    {
        var configuration = Configuration(new() { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" });

        var blobs = StorageConnection.FromConfiguration(configuration).CreateBlobServiceClient();

        Assert.Equal("devstoreaccount1", blobs.AccountName);
        Assert.Equal(10000, blobs.Uri.Port);
    }

    [Fact]
    public void Identity_based_settings_build_clients_on_the_service_uris_without_a_key()
    {
        var configuration = Configuration(new()
        {
            ["AzureWebJobsStorage:blobServiceUri"] = "https://stcity.blob.core.windows.net",
            ["AzureWebJobsStorage:queueServiceUri"] = "https://stcity.queue.core.windows.net",
            ["AzureWebJobsStorage:tableServiceUri"] = "https://stcity.table.core.windows.net",
            ["AzureWebJobsStorage:clientId"] = "00000000-0000-0000-0000-000000000001",
        });

        var connection = StorageConnection.FromConfiguration(configuration);

        Assert.Equal(new Uri("https://stcity.blob.core.windows.net"), connection.CreateBlobServiceClient().Uri);
        Assert.Equal(new Uri("https://stcity.queue.core.windows.net"), connection.CreateQueueServiceClient().Uri);
        Assert.Equal("stcity", connection.CreateTableServiceClient().AccountName);
        Assert.False(connection.CreateBlobServiceClient().CanGenerateAccountSasUri);
    }

    [Fact]
    public void A_missing_setting_fails_with_a_message_that_names_it()
    {
        var configuration = Configuration(new() { ["AzureWebJobsStorage:blobServiceUri"] = "https://stcity.blob.core.windows.net" });

        var error = Assert.Throws<InvalidOperationException>(() => StorageConnection.FromConfiguration(configuration));

        Assert.Contains("AzureWebJobsStorage__queueServiceUri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddCityFnStorage_registers_one_shared_client_per_service()
    {
        var services = new ServiceCollection()
            .AddCityFnStorage(Configuration(new() { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" }))
            .BuildServiceProvider();

        var first = services.GetRequiredService<BlobServiceClient>();

        Assert.Same(first, services.GetRequiredService<BlobServiceClient>());
        Assert.NotNull(services.GetRequiredService<Azure.Storage.Queues.QueueServiceClient>());
        Assert.NotNull(services.GetRequiredService<Azure.Data.Tables.TableServiceClient>());
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
