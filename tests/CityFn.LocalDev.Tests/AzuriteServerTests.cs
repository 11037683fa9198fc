using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CityFn.TestSupport;

namespace CityFn.LocalDev.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteServerTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_blob_uploaded_downloads_with_the_same_bytes()
    {
        var container = new BlobContainerClient(azurite.ConnectionString, "smoke-" + Guid.NewGuid().ToString("N"));
        await container.CreateAsync();
        var payload = Encoding.UTF8.GetBytes("traffic sample 42");

        await container.GetBlobClient("a/b/c.json").UploadAsync(new BinaryData(payload));
        var downloaded = await container.GetBlobClient("a/b/c.json").DownloadContentAsync();

        Assert.Equal(payload, downloaded.Value.Content.ToArray());
    }

    [Fact]
    public async Task A_queue_message_sent_is_received_once_and_then_gone_after_delete()
    {
        var queue = new QueueClient(azurite.ConnectionString, "smoke-" + Guid.NewGuid().ToString("N"));
        await queue.CreateAsync();

        await queue.SendMessageAsync("score job 7");
        var received = (await queue.ReceiveMessagesAsync(maxMessages: 10)).Value;
        Assert.Single(received);
        Assert.Equal("score job 7", received[0].MessageText);
        Assert.Equal(1, received[0].DequeueCount);

        await queue.DeleteMessageAsync(received[0].MessageId, received[0].PopReceipt);
        var properties = await queue.GetPropertiesAsync();
        Assert.Equal(0, properties.Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task A_table_entity_upserted_twice_is_queried_back_once_with_the_latest_values()
    {
        var table = new TableClient(azurite.ConnectionString, "smoke" + Guid.NewGuid().ToString("N"));
        await table.CreateAsync();

        await table.UpsertEntityAsync(new TableEntity("device-0xabc", "2026-11-25T10") { ["Accepted"] = 10 });
        await table.UpsertEntityAsync(new TableEntity("device-0xabc", "2026-11-25T10") { ["Accepted"] = 12 });
        await table.UpsertEntityAsync(new TableEntity("device-0xdef", "2026-11-25T10") { ["Accepted"] = 3 });

        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == "device-0xabc"))
        {
            rows.Add(row);
        }

        var only = Assert.Single(rows);
        Assert.Equal(12, only.GetInt32("Accepted"));
    }

    [Fact]
    public async Task Disposing_a_server_stops_its_process_and_frees_its_ports()
    {
        var server = await AzuriteServer.StartAsync();
        var pid = server.Pid;
        var endpoints = server.Endpoints;
        Assert.True(NodeServerProcess.IsRunning(pid, AzuriteServer.CommandFragment));

        await server.DisposeAsync();

        Assert.False(NodeServerProcess.IsRunning(pid, AzuriteServer.CommandFragment));
        Assert.False(FreePorts.IsInUse(endpoints.BlobPort));
        Assert.False(FreePorts.IsInUse(endpoints.QueuePort));
        Assert.False(FreePorts.IsInUse(endpoints.TablePort));
    }
}
