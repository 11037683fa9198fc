using System.Text;
using CityFn.Core.Devices;
using CityFn.Core.Ingest;

namespace CityFn.Core.Tests.Ingest;

public sealed class MessageValidatorTests
{
    private static readonly DeviceKey Device = DeviceKey.Generate();
    private static readonly MessageValidator Validator =
        new(new DeviceDirectory([TestMessages.Registration(Device)]), new IngestOptions());

    [Fact]
    public void A_signed_message_from_a_registered_device_is_accepted_with_its_samples()
    {
        var message = TestMessages.Message(Device);

        var verdict = Validate(message);

        Assert.True(verdict.Accepted, verdict.Detail);
        Assert.Equal(message.Samples, verdict.Message!.Samples);
        Assert.Equal(Device.Address, verdict.Registration!.Device);
    }

    [Fact]
    public void Bytes_that_are_not_a_JSON_message_are_malformed()
    {
        Assert.Equal(RejectReason.MalformedBody, Validator.Validate("not json"u8, "0x00", TestMessages.Enqueued).Reason);
        Assert.Equal(RejectReason.MalformedBody, Validator.Validate([0xC3, 0x28], "0x00", TestMessages.Enqueued).Reason);
    }

    [Theory]
    [InlineData("\"seq\":1,", "\"seq\":-1,", "seq")]
    [InlineData("\"kind\":\"traffic\"", "\"kind\":\"bus\"", "kind")]
    [InlineData("\"intervalSeconds\":1", "\"intervalSeconds\":0", "intervalSeconds")]
    [InlineData("\"segment\":\"NL-AMS-A10-042\"", "\"segment\":\"\"", "segment")]
    [InlineData("\"flow_veh_h\"", "\"flow\"", "flow_veh_h")]
    [InlineData("Z\",", "\",", "windowStart")]
    public void A_body_missing_or_misspelling_a_field_is_malformed_and_the_detail_names_it(string from, string to, string named)
    {
        var body = Encoding.UTF8.GetString(DeviceMessageJson.Serialize(TestMessages.Message(Device)));
        Assert.Contains(from, body, StringComparison.Ordinal);
        var broken = Encoding.UTF8.GetBytes(body.Replace(from, to, StringComparison.Ordinal));

        var verdict = Validator.Validate(broken, Sign(broken), TestMessages.Enqueued);

        Assert.Equal(RejectReason.MalformedBody, verdict.Reason);
        Assert.Contains(named, verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_device_address_may_be_EIP55_or_uppercase_but_mixed_case_with_a_wrong_checksum_is_malformed()
    {
        var body = Encoding.UTF8.GetString(DeviceMessageJson.Serialize(TestMessages.Message(Device)));
        var checksummed = CityFn.Core.Ethereum.EthAddress.Parse(Device.Address).ToChecksumString();
        var firstLetter = checksummed.IndexOfAny("abcdefABCDEF".ToCharArray(), 2);
        var wrongChecksum = checksummed[..firstLetter] + (char)(checksummed[firstLetter] ^ 0x20) + checksummed[(firstLetter + 1)..];

        Assert.Equal(Device.Address, Verdict(checksummed).Message?.Device);
        Assert.Equal(Device.Address, Verdict("0x" + Device.Address[2..].ToUpperInvariant()).Message?.Device);
        Assert.Equal(RejectReason.MalformedBody, Verdict(wrongChecksum).Reason);

        MessageVerdict Verdict(string address)
        {
            var bytes = Encoding.UTF8.GetBytes(body.Replace(Device.Address, address, StringComparison.Ordinal));
            return Validator.Validate(bytes, Sign(bytes), TestMessages.Enqueued);
        }
    }

    [Fact]
    public void Channels_of_different_lengths_are_malformed()
    {
        var message = TestMessages.Message(Device);
        var uneven = message with { Samples = [message.Samples[0], message.Samples[1][..10], message.Samples[2]] };

        Assert.Equal(RejectReason.MalformedBody, Validate(uneven).Reason);
    }

    [Theory]
    [InlineData("{\"v\":2,\"device\":\"0x01\",\"payload\":[1,2,3]}")]
    [InlineData("{\"v\":2,\"seq\":\"not a number\"}")]
    public void A_future_schema_version_is_unknown_even_when_its_shape_differs(string body)
    {
        var verdict = Validator.Validate(Encoding.UTF8.GetBytes(body), "0x00", TestMessages.Enqueued);

        Assert.Equal(RejectReason.UnknownSchemaVersion, verdict.Reason);
        Assert.Contains("version 2", verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_without_a_signature_property_is_rejected_as_missing_signature()
    {
        var body = DeviceMessageJson.Serialize(TestMessages.Message(Device));

        var verdict = Validator.Validate(body, null, TestMessages.Enqueued);

        Assert.Equal(RejectReason.MissingSignature, verdict.Reason);
        Assert.Equal(Device.Address, verdict.Device);
    }

    [Theory]
    [InlineData("0x1234")]
    [InlineData("zz")]
    public void A_signature_that_is_not_65_hex_bytes_is_bad(string signature)
    {
        var body = DeviceMessageJson.Serialize(TestMessages.Message(Device));

        Assert.Equal(RejectReason.BadSignature, Validator.Validate(body, signature, TestMessages.Enqueued).Reason);
    }

    [Fact]
    public void A_message_signed_by_another_key_is_rejected_as_signer_not_device()
    {
        var body = DeviceMessageJson.Serialize(TestMessages.Message(Device));
        var other = DeviceKey.Generate();

        var verdict = Validator.Validate(body, Convert.ToHexStringLower(other.Sign(body)), TestMessages.Enqueued);

        Assert.Equal(RejectReason.SignerNotDevice, verdict.Reason);
        Assert.Contains(other.Address, verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_body_changed_after_signing_is_not_attributed_to_the_device()
    {
        var body = DeviceMessageJson.Serialize(TestMessages.Message(Device));
        var signature = Sign(body);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("\"seq\":1,", "\"seq\":2,", StringComparison.Ordinal));

        var verdict = Validator.Validate(tampered, signature, TestMessages.Enqueued);

        Assert.Contains(verdict.Reason, new RejectReason?[] { RejectReason.SignerNotDevice, RejectReason.BadSignature });
    }

    [Fact]
    public void A_correctly_signed_message_from_an_unknown_device_is_unregistered()
    {
        var stranger = DeviceKey.Generate();
        var body = DeviceMessageJson.Serialize(TestMessages.Message(stranger));

        var verdict = Validator.Validate(body, Convert.ToHexStringLower(stranger.Sign(body)), TestMessages.Enqueued);

        Assert.Equal(RejectReason.UnregisteredDevice, verdict.Reason);
    }

    [Fact]
    public void A_message_of_another_kind_than_registered_is_a_kind_mismatch()
    {
        var verdict = Validate(TestMessages.Message(Device, kind: SensorKind.Noise));

        Assert.Equal(RejectReason.KindMismatch, verdict.Reason);
        Assert.Contains("registered as traffic", verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_physically_impossible_value_is_out_of_range_and_named()
    {
        var message = TestMessages.Message(Device);
        message.Samples[2][7] = 420;

        var verdict = Validate(message);

        Assert.Equal(RejectReason.ValueOutOfRange, verdict.Reason);
        Assert.Contains("speed_kmh[7] = 420", verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_window_ending_well_after_it_was_enqueued_is_in_the_future()
    {
        var verdict = Validate(TestMessages.Message(Device, windowStart: TestMessages.Enqueued.AddMinutes(5)));

        Assert.Equal(RejectReason.TimestampInFuture, verdict.Reason);
    }

    [Fact]
    public void A_window_ending_within_the_allowed_clock_skew_is_accepted()
    {
        var verdict = Validate(TestMessages.Message(Device, windowStart: TestMessages.Enqueued.AddSeconds(30)));

        Assert.True(verdict.Accepted, verdict.Detail);
    }

    [Fact]
    public void A_window_starting_long_before_it_was_enqueued_is_too_old()
    {
        var verdict = Validate(TestMessages.Message(Device, windowStart: TestMessages.Enqueued.AddHours(-7)));

        Assert.Equal(RejectReason.TimestampTooOld, verdict.Reason);
    }

    [Fact]
    public void Every_reason_has_a_distinct_snake_case_code()
    {
        var codes = RejectReasons.All.Select(RejectReasons.Code).ToList();

        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^[a-z0-9_]+$", c));
    }

    private static MessageVerdict Validate(DeviceMessage message)
    {
        var body = DeviceMessageJson.Serialize(message);
        return Validator.Validate(body, Sign(body), TestMessages.Enqueued);
    }

    private static string Sign(byte[] body) => "0x" + Convert.ToHexStringLower(Device.Sign(body));
}
