using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;

namespace CityFn.Core.Dashboard;

/// <summary>A static file of the dashboard: its bytes, content type and entity tag (a hash of the bytes).</summary>
public sealed record DashboardAsset(string Name, string ContentType, ReadOnlyMemory<byte> Content, string ETag);

/// <summary>
/// The dashboard's page, script, stylesheet and icon, embedded in this assembly (wwwroot/) so that the Functions
/// app and <c>cityfn dashboard</c> serve the same bytes with no file system or CDN. The page links the script and
/// stylesheet with <c>?v=</c> their hash, so a new build is never mixed with a cached old script.
/// </summary>
public static class DashboardAssets
{
    public const string PageName = "index.html";
    private const string ResourcePrefix = "CityFn.Core.Dashboard.wwwroot.";
    private const string VersionPlaceholder = "__ASSET_VERSION__";

    private static readonly Lazy<FrozenDictionary<string, DashboardAsset>> All = new(Load);

    /// <summary>The HTML page (<c>GET /api/dashboard</c>).</summary>
    public static DashboardAsset Page => All.Value[PageName];

    /// <summary>The asset names <c>GET /api/dashboard/{asset}</c> serves (the page itself is served at <c>/api/dashboard</c>).</summary>
    public static IEnumerable<string> Names => All.Value.Keys.Where(name => name != PageName).Order(StringComparer.Ordinal);

    /// <summary>Finds an asset by exact file name (case-sensitive, no paths); null for anything else.</summary>
    public static DashboardAsset? Find(string? name) =>
        name is not null && name != PageName && All.Value.TryGetValue(name, out var asset) ? asset : null;

    public static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };

    private static FrozenDictionary<string, DashboardAsset> Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[resource[ResourcePrefix.Length..]] = copy.ToArray();
        }

        if (!files.TryGetValue(PageName, out var page))
        {
            throw new InvalidOperationException($"The dashboard page {ResourcePrefix}{PageName} is not embedded in {assembly.GetName().Name}.");
        }

        var version = Hash(files.Where(f => f.Key != PageName).OrderBy(f => f.Key, StringComparer.Ordinal).SelectMany(f => f.Value).ToArray())[..12];
        files[PageName] = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(page).Replace(VersionPlaceholder, version, StringComparison.Ordinal));
        return files.ToFrozenDictionary(
            f => f.Key,
            f => new DashboardAsset(f.Key, ContentTypeOf(f.Key), f.Value, $"\"{Hash(f.Value)[..16]}\""),
            StringComparer.Ordinal);
    }

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
