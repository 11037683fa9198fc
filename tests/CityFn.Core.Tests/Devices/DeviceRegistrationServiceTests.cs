using System.Security.Cryptography;
using Azure.Data.Tables;
using CityFn.Core.Devices;
using CityFn.Core.Ingest;
using CityFn.TestSupport;
using Nethereum.Signer;
using Nethereum.Signer.EIP712;

namespace CityFn.Core.Tests.Devices;

[Collection(AzuriteCollection.Name)]
public sealed class DeviceRegistrationServiceTests(AzuriteFixture azurite)
{
    private const long ChainId = 31337;
    private readonly byte[] _ownerSecret = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _deviceSecret = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void Our_EIP712_signature_equals_Nethereum_signTypedData_v4_of_the_same_typed_data()
    {
        var request = Request(nonce: 7);
        var ownerKey = new EthECKey(_ownerSecret, true);
        var json = $$$"""
            {"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"}],
            "DeviceRegistration":[{"name":"device","type":"address"},{"name":"owner","type":"address"},{"name":"kind","type":"string"},{"name":"latE7","type":"int64"},{"name":"lonE7","type":"int64"},{"name":"segment","type":"string"},{"name":"nonce","type":"uint256"}]},
            "primaryType":"DeviceRegistration","domain":{"name":"CityFn","version":"1","chainId":{{{ChainId}}}},
            "message":{"device":"{{{request.Device}}}","owner":"{{{request.Owner}}}","kind":"traffic","latE7":{{{request.LatE7}}},"lonE7":{{{request.LonE7}}},"segment":"{{{request.Segment}}}","nonce":7}}
            """;

        var nethereum = new Eip712TypedDataSigner().SignTypedDataV4(json, ownerKey);

        Assert.Equal(nethereum.ToLowerInvariant(), DeviceRegistrationService.Sign(request, ChainId, _ownerSecret));
    }

    [Fact]
    public async Task A_registration_signed_by_owner_and_device_is_stored_and_a_higher_nonce_updates_it()
    {
        var service = Service();

        var first = await service.RegisterAsync(Signed(Request(nonce: 1)));
        var moved = await service.RegisterAsync(Signed(Request(nonce: 2) with { LatE7 = 523_800_000 }));

        Assert.True(first.Stored, first.Detail);
        Assert.True(moved.Stored, moved.Detail);
        var stored = await new DeviceRegistryStore(Tables()).FindAsync(DeviceKey.FromBytes(_deviceSecret).Address);
        Assert.Equal(2, stored!.Nonce);
        Assert.Equal(52.38, stored.Location.Lat, 9);
        Assert.Equal(SensorKind.Traffic, stored.Kind);
    }

    [Fact]
    public async Task A_replayed_or_older_registration_is_refused_as_stale()
    {
        var service = Service();
        var signed = Signed(Request(nonce: 5));
        await service.RegisterAsync(signed);

        var replay = await service.RegisterAsync(signed);
        var older = await service.RegisterAsync(Signed(Request(nonce: 4)));

        Assert.Equal("stale_nonce", replay.Reason);
        Assert.Equal("stale_nonce", older.Reason);
        Assert.Equal(5, replay.Registration!.Nonce);
    }

    [Fact]
    public async Task Someone_else_cannot_register_a_device_to_their_wallet_or_forge_the_owner()
    {
        var service = Service();
        var thief = RandomNumberGenerator.GetBytes(32);
        var request = Request(nonce: 1) with { Owner = DeviceKey.FromBytes(thief).Address };
        var withoutDevice = request with
        {
            OwnerSignature = DeviceRegistrationService.Sign(request, ChainId, thief),
            DeviceSignature = DeviceRegistrationService.Sign(request, ChainId, thief),
        };
        var forgedOwner = Request(nonce: 1) with
        {
            OwnerSignature = DeviceRegistrationService.Sign(Request(nonce: 1), ChainId, thief),
            DeviceSignature = DeviceRegistrationService.Sign(Request(nonce: 1), ChainId, _deviceSecret),
        };
        var otherChain = Request(nonce: 1) with
        {
            OwnerSignature = DeviceRegistrationService.Sign(Request(nonce: 1), 1, _ownerSecret),
            DeviceSignature = DeviceRegistrationService.Sign(Request(nonce: 1), 1, _deviceSecret),
        };

        Assert.Equal("bad_device_signature", (await service.RegisterAsync(withoutDevice)).Reason);
        Assert.Equal("bad_owner_signature", (await service.RegisterAsync(forgedOwner)).Reason);
        Assert.Equal("bad_owner_signature", (await service.RegisterAsync(otherChain)).Reason);
        Assert.Null(await new DeviceRegistryStore(Tables()).FindAsync(DeviceKey.FromBytes(_deviceSecret).Address));
    }

    [Fact]
    public async Task A_traffic_detector_without_a_segment_is_malformed()
    {
        var result = await Service().RegisterAsync(Signed(Request(nonce: 1) with { Segment = null }));

        Assert.Equal("malformed_registration", result.Reason);
    }

    private DeviceRegistrationRequest Request(long nonce) => new(
        DeviceKey.FromBytes(_deviceSecret).Address, DeviceKey.FromBytes(_ownerSecret).Address, "traffic", 523_702_000, 48_952_000, "NL-AMS-A10-042", nonce);

    private DeviceRegistrationRequest Signed(DeviceRegistrationRequest request) => request with
    {
        OwnerSignature = DeviceRegistrationService.Sign(request, ChainId, _ownerSecret),
        DeviceSignature = DeviceRegistrationService.Sign(request, ChainId, _deviceSecret),
    };

    private DeviceRegistrationService Service() =>
        new(new DeviceRegistryStore(Tables()), new DeviceRegistryOptions { ChainId = ChainId }, TimeProvider.System);

    private TableServiceClient Tables() => new(azurite.ConnectionString);
}
