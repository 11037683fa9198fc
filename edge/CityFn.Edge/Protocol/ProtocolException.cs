namespace CityFn.Edge.Protocol;

/// <summary>A request the protocol refuses; answered with <paramref name="statusCode"/> and <c>{"error": message}</c>.</summary>
public sealed class ProtocolException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    /// <summary>The outcome label for the requests metric.</summary>
    public string Outcome => StatusCode switch
    {
        404 => "not_found",
        413 => "too_large",
        429 => "queue_full",
        503 => "unavailable",
        >= 500 => "error",
        _ => "bad_request",
    };
}
