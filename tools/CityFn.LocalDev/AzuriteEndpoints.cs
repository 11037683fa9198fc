using System.Globalization;

namespace CityFn.LocalDev;

/// <summary>Where an Azurite instance listens, and how the Azure SDK reaches it.</summary>
public sealed record AzuriteEndpoints(int BlobPort, int QueuePort, int TablePort)
{
    /// <summary>Azurite's documented development account (the same one UseDevelopmentStorage=true uses); not a secret.</summary>
    public const string AccountName = "devstoreaccount1";

    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The ports the Functions host expects for UseDevelopmentStorage=true.</summary>
    public static AzuriteEndpoints Default { get; } = new(10000, 10001, 10002);

    public Uri BlobUri => ServiceUri(BlobPort);

    public Uri QueueUri => ServiceUri(QueuePort);

    public Uri TableUri => ServiceUri(TablePort);

    /// <summary>A full connection string, valid on any ports.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint={BlobUri};QueueEndpoint={QueueUri};TableEndpoint={TableUri};";

    /// <summary>What to put in AzureWebJobsStorage: the short form where it is equivalent.</summary>
    public string FunctionsStorageSetting => this == Default ? "UseDevelopmentStorage=true" : ConnectionString;

    /// <summary>True when all three services answer HTTP (any status: unauthenticated calls get 4xx).</summary>
    public async Task<bool> AllAnswerAsync(HttpClient http, CancellationToken cancellationToken = default)
    {
        foreach (var uri in new[] { BlobUri, QueueUri, TableUri })
        {
            if (!await AnswersAsync(http, uri, cancellationToken))
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<bool> AnswersAsync(HttpClient http, Uri uri, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(uri, cancellationToken);
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The probe's own HttpClient timeout: a starting Azurite on a loaded machine is slow, not absent; poll again.
            return false;
        }
    }

    private static Uri ServiceUri(int port) =>
        new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/{AccountName}"));
}
