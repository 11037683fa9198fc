namespace CityFn.Core.Dashboard;

/// <summary>
/// The HTTP rules both hosts (the Functions app and <c>cityfn dashboard</c>) apply, so the page behaves the same
/// behind either: routes, caching, and a content security policy that allows nothing but this origin (the page
/// works offline and cannot load a CDN script, font or map tile even by mistake).
/// </summary>
public static class DashboardHttp
{
    /// <summary>Route of the page, relative to the <c>api</c> prefix; the page's relative URLs assume no trailing slash.</summary>
    public const string PageRoute = "dashboard";

    /// <summary>
    /// The page's script, stylesheet and icon. The JSON routes live one level deeper (<c>dashboard/data/…</c>) so no
    /// route overlaps another: the Functions host orders overlapping routes by function name, not by the
    /// literal-before-parameter precedence of ASP.NET Core (azure-functions-host#9876).
    /// </summary>
    public const string AssetRoute = "dashboard/{asset}";

    public const string NetworkRoute = "dashboard/data/network";
    public const string SensorsRoute = "dashboard/data/sensors";
    public const string AlertsRoute = "dashboard/data/alerts";
    public const string EpochsRoute = "dashboard/data/epochs";
    public const string ContributorRoute = "dashboard/data/contributors/{address}";

    /// <summary>The page is revalidated on every load (cheap with its ETag), so a deploy shows at once.</summary>
    public const string PageCacheControl = "no-cache";

    /// <summary>Assets are linked with their hash (<c>?v=</c>), so an hour of caching never serves a stale mix.</summary>
    public const string AssetCacheControl = "public, max-age=3600";

    /// <summary>Data changes with every scoring job and settlement.</summary>
    public const string DataCacheControl = "no-store";

    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Whether an If-None-Match header matches the entity tag (then the answer is 304 Not Modified).</summary>
    public static bool IsNotModified(string? ifNoneMatch, string etag)
    {
        ArgumentNullException.ThrowIfNull(etag);
        return ifNoneMatch is not null
            && (ifNoneMatch.Trim() == "*" || ifNoneMatch.Split(',').Any(tag => tag.Trim().Replace("W/", "", StringComparison.Ordinal) == etag));
    }
}
