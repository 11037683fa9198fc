using CityFn.Core.Ethereum;
using CityFn.Core.Ingest;
using Nethereum.Signer;

namespace CityFn.Core.Tests.Ingest;

public sealed class MessageSignatureTests
{
    private static readonly byte[] Body = """{"v":1,"hello":"world"}"""u8.ToArray();

    [Fact]
    public void A_signature_recovers_the_signing_device()
    {
        var key = DeviceKey.Generate();

        var signature = key.Sign(Body);

        Assert.Equal(65, signature.Length);
        Assert.True(MessageSignature.TryRecoverSigner(Body, signature, out var signer));
        Assert.Equal(key.Address, signer);
    }

    [Fact]
    public void Our_signature_is_Ethereum_personal_sign_of_the_body_hash_as_Nethereum_recovers_it()
    {
        var key = DeviceKey.Generate();

        var signature = key.Sign(Body);

        var recovered = new EthereumMessageSigner().EcRecover(Keccak256.Hash(Body), "0x" + Convert.ToHexStringLower(signature));
        Assert.Equal(key.Address, recovered.ToLowerInvariant());
    }

    [Fact]
    public void A_Nethereum_personal_sign_of_the_body_hash_verifies_here()
    {
        var secret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var ethKey = new EthECKey(secret, true);

        var signatureHex = new EthereumMessageSigner().Sign(Keccak256.Hash(Body), ethKey);

        Assert.True(MessageSignature.TryRecoverSigner(Body, Convert.FromHexString(signatureHex[2..]), out var signer));
        Assert.Equal(ethKey.GetPublicAddress().ToLowerInvariant(), signer);
        Assert.Equal(DeviceKey.FromBytes(secret).Address, signer);
    }

    [Fact]
    public void Changing_one_byte_of_the_body_changes_the_recovered_signer()
    {
        var key = DeviceKey.Generate();
        var signature = key.Sign(Body);
        var tampered = Body.ToArray();
        tampered[^2] ^= 1;

        var recovered = MessageSignature.TryRecoverSigner(tampered, signature, out var signer);

        Assert.False(recovered && signer == key.Address);
    }

    [Fact]
    public void A_signature_of_the_wrong_length_or_recovery_id_recovers_nobody()
    {
        var signature = DeviceKey.Generate().Sign(Body);
        var badRecoveryId = signature.ToArray();
        badRecoveryId[64] = 30;

        Assert.False(MessageSignature.TryRecoverSigner(Body, signature[..64], out _));
        Assert.False(MessageSignature.TryRecoverSigner(Body, badRecoveryId, out _));
    }
}
