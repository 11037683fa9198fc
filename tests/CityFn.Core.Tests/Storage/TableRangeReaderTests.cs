using Azure.Data.Tables;
using CityFn.Core.Storage;
using CityFn.TestSupport;

namespace CityFn.Core.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class TableRangeReaderTests(AzuriteFixture azurite)
{
    private readonly TableClient _table = new TableServiceClient(azurite.ConnectionString).GetTableClient("rangereader" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task Ranges_return_every_row_of_the_partition_once_in_key_order_whatever_the_key()
    {
        await _table.CreateAsync();
        // Keys on, between and outside the boundaries, and in another partition.
        string[] keys = ["a|0x0f", "a|0x1", "a|0x10", "a|0xf0", "a|0xff", "a|", "b|0x00", "A", "z", "a|0x9'quote"];
        foreach (var key in keys)
        {
            await _table.AddEntityAsync(new TableEntity("p", key));
        }

        await _table.AddEntityAsync(new TableEntity("q", "a|0x5"));

        var rows = await TableRangeReader.ReadAsync(_table, "p", [.. TableRangeReader.HexDigitBoundaries("a|0x")]);
        var all = await TableRangeReader.ReadAsync(_table, partitionKey: null, ["p", "q"]);

        Assert.Equal(keys.Order(StringComparer.Ordinal), rows.Select(r => r.RowKey));
        Assert.All(rows, r => Assert.Equal("p", r.PartitionKey));
        Assert.Equal(keys.Length + 1, all.Count);
        Assert.Equal("q", all[^1].PartitionKey);
    }
}
