using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using CityFn.Core.Storage;

namespace CityFn.Core.EdgeHosts;

/// <summary>
/// The edge host registry stage: verifies a signed registration or heartbeat and records it in Table
/// storage (table <c>edgehosts</c>, one row per operator address). Called by <c>POST /api/edge-hosts</c>
/// and, where no Functions host runs, by the edge host itself.
/// </summary>
public sealed class EdgeHostRegistry(TableServiceClient tables, TimeProvider timeProvider)
{
    public const string TableName = "edgehosts";
    private const string PartitionKey = "edge-host";

    /// <summary>A message whose timestamp is further than this from the registry's clock is refused.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>A host whose last heartbeat is older than this is listed as "silent".</summary>
    public static readonly TimeSpan SilentAfter = TimeSpan.FromSeconds(90);

    private readonly TableClient _table = tables.GetTableClient(TableName);

    public static EdgeHostRegistry Create(StorageConnection storage, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return new EdgeHostRegistry(storage.CreateTableServiceClient(), timeProvider);
    }

    public async Task<EdgeHostRegistrationResult> RegisterAsync(SignedEdgeHostRegistration signed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signed);
        var registration = signed.Registration;
        if (Validate(registration) is { } invalid)
        {
            return EdgeHostRegistrationResult.Refused(EdgeHostRefusals.Invalid, invalid);
        }

        var signature = OperatorKey.TryParseSignature(signed.Signature);
        var signer = signature is null ? null : OperatorKey.TryRecoverAddress(registration.Digest(), signature);
        if (signer is null)
        {
            return EdgeHostRegistrationResult.Refused(EdgeHostRefusals.BadSignature, "The signature is not a 65-byte secp256k1 signature over the registration's EIP-712 digest.");
        }

        var address = registration.Host.ToLowerInvariant();
        if (!string.Equals(signer, address, StringComparison.Ordinal))
        {
            return EdgeHostRegistrationResult.Refused(EdgeHostRefusals.SignerMismatch, $"The registration was signed by {signer}, not by the host {address}.");
        }

        var now = timeProvider.GetUtcNow();
        var messageTime = DateTimeOffset.FromUnixTimeSeconds(registration.Timestamp);
        if ((now - messageTime).Duration() > MaxClockSkew)
        {
            return EdgeHostRegistrationResult.Refused(EdgeHostRefusals.StaleTimestamp, $"The timestamp {messageTime:O} is more than {MaxClockSkew.TotalMinutes} minutes from the registry's clock ({now:O}).");
        }

        await _table.CreateIfNotExistsAsync(cancellationToken);
        var existing = await _table.GetEntityIfExistsAsync<TableEntity>(PartitionKey, address, cancellationToken: cancellationToken);
        var entity = new TableEntity(PartitionKey, address)
        {
            ["Url"] = registration.Url,
            ["Models"] = JsonSerializer.Serialize(registration.Models.ToArray(), EdgeHostsJsonContext.Default.StringArray),
            ["Capacity"] = registration.Capacity,
            ["LastTimestamp"] = registration.Timestamp,
            ["LastHeartbeat"] = now,
            ["RegisteredAt"] = now,
            ["Status"] = "active",
        };
        try
        {
            if (existing.HasValue && existing.Value is { } previous)
            {
                // Each message must be newer than the last one accepted: a captured message cannot be replayed.
                if (registration.Timestamp <= (previous.GetInt64("LastTimestamp") ?? 0))
                {
                    return EdgeHostRegistrationResult.Refused(EdgeHostRefusals.Replayed, "The timestamp is not newer than the host's last accepted registration.");
                }

                entity["RegisteredAt"] = previous.GetDateTimeOffset("RegisteredAt") ?? now;
                await _table.UpdateEntityAsync(entity, previous.ETag, TableUpdateMode.Replace, cancellationToken);
            }
            else
            {
                await _table.AddEntityAsync(entity, cancellationToken);
            }
        }
        catch (RequestFailedException exception) when (exception.Status is 409 or 412)
        {
            return EdgeHostRegistrationResult.Refused(EdgeHostRefusals.Replayed, "A concurrent registration for this host won; send a newer one.");
        }

        return new EdgeHostRegistrationResult(true, null, null, ToRecord(entity, now));
    }

    public async Task<IReadOnlyList<EdgeHostRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        await _table.CreateIfNotExistsAsync(cancellationToken);
        var now = timeProvider.GetUtcNow();
        var hosts = new List<EdgeHostRecord>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(e => e.PartitionKey == PartitionKey, cancellationToken: cancellationToken))
        {
            hosts.Add(ToRecord(entity, now));
        }

        return hosts;
    }

    private static EdgeHostRecord ToRecord(TableEntity entity, DateTimeOffset now)
    {
        var lastHeartbeat = entity.GetDateTimeOffset("LastHeartbeat") ?? DateTimeOffset.MinValue;
        return new EdgeHostRecord(
            entity.RowKey,
            entity.GetString("Url") ?? "",
            JsonSerializer.Deserialize(entity.GetString("Models") ?? "[]", EdgeHostsJsonContext.Default.StringArray) ?? [],
            entity.GetInt64("Capacity") ?? 0,
            entity.GetDateTimeOffset("RegisteredAt") ?? lastHeartbeat,
            lastHeartbeat,
            now - lastHeartbeat <= SilentAfter ? "active" : "silent");
    }

    private static string? Validate(EdgeHostRegistration? registration)
    {
        if (registration is null)
        {
            return "The body must carry a registration.";
        }

        if (!EdgeHostRegistration.IsAddress(registration.Host))
        {
            return "host must be the operator address: 0x followed by 40 hex digits.";
        }

        if (!Uri.TryCreate(registration.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return "url must be an absolute http(s) URL.";
        }

        if (registration.Models is not { Count: > 0 } || registration.Models.Any(string.IsNullOrWhiteSpace))
        {
            return "models must list at least one model name.";
        }

        if (registration.Capacity <= 0)
        {
            return "capacity must be positive.";
        }

        return registration.Timestamp <= 0 ? "timestamp must be unix seconds." : null;
    }
}
