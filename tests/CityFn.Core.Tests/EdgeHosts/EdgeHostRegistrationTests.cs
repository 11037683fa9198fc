using CityFn.Core.Ethereum;
using System.Globalization;
using CityFn.Core.EdgeHosts;
using Nethereum.Signer.EIP712;

namespace CityFn.Core.Tests.EdgeHosts;

public sealed class EdgeHostRegistrationTests
{
    [Fact]
    public void The_digest_is_the_eip712_v4_digest_nethereum_computes_for_the_same_typed_data()
    {
        var registration = new EdgeHostRegistration("0x" + new string('a', 40), "http://127.0.0.1:8001", ["mlp", "traffic-forecast"], 512, 1_764_000_000);
        var json = $$"""
        {
          "types": {
            "EIP712Domain": [ { "name": "name", "type": "string" }, { "name": "version", "type": "string" } ],
            "EdgeHostRegistration": [
              { "name": "host", "type": "address" },
              { "name": "url", "type": "string" },
              { "name": "models", "type": "string[]" },
              { "name": "capacity", "type": "uint256" },
              { "name": "timestamp", "type": "uint256" }
            ]
          },
          "primaryType": "EdgeHostRegistration",
          "domain": { "name": "{{EdgeHostRegistration.DomainName}}", "version": "{{EdgeHostRegistration.DomainVersion}}" },
          "message": {
            "host": "{{registration.Host}}",
            "url": "{{registration.Url}}",
            "models": ["mlp", "traffic-forecast"],
            "capacity": {{registration.Capacity.ToString(CultureInfo.InvariantCulture)}},
            "timestamp": {{registration.Timestamp.ToString(CultureInfo.InvariantCulture)}}
          }
        }
        """;

        var nethereum = Keccak256.Hash(new Eip712TypedDataSigner().EncodeTypedData(json));

        Assert.Equal(Convert.ToHexStringLower(nethereum), Convert.ToHexStringLower(registration.Digest()));
    }
}
