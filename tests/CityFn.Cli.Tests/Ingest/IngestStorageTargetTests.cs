using CityFn.Cli.Ingest;

namespace CityFn.Cli.Tests.Ingest;

public sealed class IngestStorageTargetTests
{
    [Fact]
    public void A_blob_endpoint_gives_the_accounts_queue_and_table_endpoints()
    {
        var (blob, queue, table) = IngestStorageTarget.ServiceUris("https://cityfnprod.blob.core.windows.net");

        Assert.Equal("https://cityfnprod.blob.core.windows.net/", blob.ToString());
        Assert.Equal("https://cityfnprod.queue.core.windows.net/", queue.ToString());
        Assert.Equal("https://cityfnprod.table.core.windows.net/", table.ToString());
    }

    [Fact]
    public void A_blob_endpoint_of_a_sovereign_cloud_keeps_its_suffix()
    {
        var (_, queue, table) = IngestStorageTarget.ServiceUris("https://acct.blob.core.chinacloudapi.cn/");

        Assert.Equal("acct.queue.core.chinacloudapi.cn", queue.Host);
        Assert.Equal("acct.table.core.chinacloudapi.cn", table.Host);
    }

    [Theory]
    [InlineData("https://example.com/")]
    [InlineData("http://acct.blob.core.windows.net")]
    [InlineData("https://acct.blob.core.windows.net/capture")]
    public void Anything_else_that_is_no_connection_string_is_refused_naming_the_expected_form(string storage)
    {
        var error = Assert.Throws<ArgumentException>(() => IngestStorageTarget.ServiceUris(storage));

        Assert.Contains("https://<account>.blob.core.windows.net", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ingest_command_refuses_a_storage_url_that_is_no_blob_endpoint()
    {
        var directory = Directory.CreateTempSubdirectory("cityfn-ingest-storage-").FullName;
        try
        {
            var (exitCode, output) = await CliRun.InvokeAsync("ingest", directory, "--storage", "https://example.com/");

            Assert.Equal(CliAction.UserError, exitCode);
            Assert.Contains("blob endpoint", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
