using CityFn.Core.Ethereum;
using System.Text;
using CityFn.Core.Devices;
using CityFn.Core.Ingest;
using CityFn.LocalDev;

namespace CityFn.Core.Tests.Ingest;

/// <summary>The worked example in docs/wire-format.md is what producers in other languages test against: it must be right.</summary>
public sealed class WireFormatDocumentTests
{
    private static readonly string Document = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "docs", "wire-format.md"));

    [Fact]
    public void The_example_key_is_keccak256_of_the_documented_seed_phrase()
    {
        var seed = Example("seed");

        Assert.Equal(Example("private-key"), "0x" + Convert.ToHexStringLower(Keccak256.Hash(Encoding.UTF8.GetBytes(seed))));
        Assert.Equal(Example("address"), DeviceKey.FromSeedPhrase(seed).Address);
    }

    [Fact]
    public void The_example_hashes_and_signature_match_the_documented_body_bytes()
    {
        var body = Encoding.UTF8.GetBytes(Example("body"));
        Span<byte> digest = stackalloc byte[32];
        MessageSignature.Digest(body, digest);

        Assert.Equal(Example("body-hash"), "0x" + Convert.ToHexStringLower(Keccak256.Hash(body)));
        Assert.Equal(Example("digest"), "0x" + Convert.ToHexStringLower(digest));
        Assert.Equal(Example("sig"), "0x" + Convert.ToHexStringLower(DeviceKey.FromSeedPhrase(Example("seed")).Sign(body)));
    }

    [Fact]
    public void The_example_message_is_accepted_by_the_validator()
    {
        var body = Encoding.UTF8.GetBytes(Example("body"));
        var address = Example("address");
        var registration = new DeviceRegistration(
            address, "0x00000000000000000000000000000000000000aa", SensorKind.Traffic,
            new GeoLocation(52.3702, 4.8952, "NL-AMS-A10-042"), 1, DateTimeOffset.UnixEpoch);
        var validator = new MessageValidator(new DeviceDirectory([registration]), new IngestOptions());

        var verdict = validator.Validate(body, Example("sig"), new DateTimeOffset(2026, 11, 25, 12, 1, 0, TimeSpan.Zero));

        Assert.True(verdict.Accepted, verdict.Detail);
        Assert.Equal(42, verdict.Message!.Sequence);
        Assert.Equal([87.5, 84, 91.25], verdict.Message.Samples[2]);
    }

    [Fact]
    public void Every_reject_code_is_documented()
    {
        Assert.All(RejectReasons.All, reason => Assert.Contains($"`{RejectReasons.Code(reason)}`", Document, StringComparison.Ordinal));
    }

    /// <summary>The fenced block right after the &lt;!-- example:name --&gt; marker.</summary>
    private static string Example(string name)
    {
        var marker = Document.IndexOf($"<!-- example:{name} -->", StringComparison.Ordinal);
        Assert.True(marker >= 0, $"docs/wire-format.md has no example:{name} marker.");
        var fence = Document.IndexOf("```", marker, StringComparison.Ordinal);
        var start = Document.IndexOf('\n', fence) + 1;
        var end = Document.IndexOf("\n```", start, StringComparison.Ordinal);
        return Document[start..end];
    }
}
