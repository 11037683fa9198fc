using CityFn.Core.Ethereum;
using System.Diagnostics.CodeAnalysis;
using CityFn.Core.Ingest;
using NBitcoin.Secp256k1;

namespace CityFn.Core.Devices;

/// <summary>Settings of the device registry (section "Devices").</summary>
public sealed class DeviceRegistryOptions
{
    public const string SectionName = "Devices";

    /// <summary>The EIP-712 domain chain id registrations are signed for (31337: the local Hardhat chain).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, long.MaxValue)]
    public long ChainId { get; set; } = 31337;
}

/// <summary>
/// Verifies and stores device registrations. Refusal codes: malformed_registration, bad_owner_signature,
/// bad_device_signature, stale_nonce.
/// </summary>
public sealed class DeviceRegistrationService(DeviceRegistryStore store, DeviceRegistryOptions options, TimeProvider timeProvider)
{
    public async Task<DeviceRegistrationResult> RegisterAsync(DeviceRegistrationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!EthAddress.TryParse(request.Device, out var deviceAddress) || !EthAddress.TryParse(request.Owner, out var ownerAddress))
        {
            return Refused("malformed_registration", "device and owner must be 0x-prefixed 20-byte hex addresses (in mixed case, a valid EIP-55 checksum)");
        }

        var device = deviceAddress.ToLowerHex();
        var owner = ownerAddress.ToLowerHex();

        if (!SensorKinds.TryParse(request.Kind, out var kind))
        {
            return Refused("malformed_registration", "kind must be one of traffic, air, noise, weather");
        }

        if (request.LatE7 is < -900_000_000 or > 900_000_000 || request.LonE7 is < -1_800_000_000 or > 1_800_000_000 || request.Nonce < 0)
        {
            return Refused("malformed_registration", "latE7/lonE7 must be degrees × 10^7 within range and nonce non-negative");
        }

        if (kind == SensorKind.Traffic && string.IsNullOrWhiteSpace(request.Segment))
        {
            return Refused("malformed_registration", "a traffic detector needs its road segment id");
        }

        var normalized = request with { Device = device, Owner = owner };
        var digest = DeviceRegistrationTypedData.Digest(normalized, options.ChainId);
        if (!TryRecover(digest, request.OwnerSignature, out var ownerSigner) || ownerSigner != owner)
        {
            return Refused("bad_owner_signature", $"ownerSignature is not the owner's EIP-712 signature for chain id {options.ChainId}");
        }

        if (!TryRecover(digest, request.DeviceSignature, out var deviceSigner) || deviceSigner != device)
        {
            return Refused("bad_device_signature", $"deviceSignature is not the device's EIP-712 signature for chain id {options.ChainId}");
        }

        var registration = new DeviceRegistration(
            device, owner, kind, new GeoLocation(request.LatE7 / 1e7, request.LonE7 / 1e7, request.Segment), request.Nonce, timeProvider.GetUtcNow());
        if (!await store.SaveAsync(registration, cancellationToken))
        {
            var current = await store.FindAsync(device, cancellationToken);
            return new DeviceRegistrationResult(false, "stale_nonce",
                $"nonce {request.Nonce} is not above the stored nonce {current?.Nonce}", current is null ? null : DeviceRegistrationView.From(current));
        }

        return new DeviceRegistrationResult(true, null, null, DeviceRegistrationView.From(registration));
    }

    /// <summary>Signs <paramref name="request"/> as EIP-712 typed data with a secp256k1 key: r || s || v hex. For the CLI and tests.</summary>
    public static string Sign(DeviceRegistrationRequest request, long chainId, ReadOnlySpan<byte> secret)
    {
        var digest = DeviceRegistrationTypedData.Digest(request, chainId);
        if (!ECPrivKey.TryCreate(secret, out var key))
        {
            throw new ArgumentException("Not a valid secp256k1 private key.", nameof(secret));
        }

        return "0x" + Convert.ToHexStringLower(RecoverableSignature.Sign(key, digest));
    }

    private static bool TryRecover(byte[] digest, string? signatureHex, [NotNullWhen(true)] out string? signer)
    {
        signer = null;
        if (signatureHex is null)
        {
            return false;
        }

        var hex = signatureHex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? signatureHex[2..] : signatureHex;
        if (hex.Length != 130 || !hex.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        return RecoverableSignature.TryRecoverAddress(digest, Convert.FromHexString(hex), out signer);
    }

    private static DeviceRegistrationResult Refused(string reason, string detail) => new(false, reason, detail, null);
}
