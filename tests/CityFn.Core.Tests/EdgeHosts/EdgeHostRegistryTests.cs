using CityFn.Core.EdgeHosts;
using CityFn.Core.Storage;
using CityFn.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace CityFn.Core.Tests.EdgeHosts;

[Collection(AzuriteCollection.Name)]
public sealed class EdgeHostRegistryTests(AzuriteFixture azurite)
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    private EdgeHostRegistry Registry => EdgeHostRegistry.Create(StorageConnection.FromConnectionString(azurite.ConnectionString), _clock);

    [Fact]
    public async Task A_signed_registration_is_recorded_and_listed_as_active()
    {
        var key = OperatorKey.Generate();

        var result = await Registry.RegisterAsync(Registration(key, _clock.GetUtcNow()).Sign(key));

        Assert.True(result.Accepted, result.Error);
        var listed = Assert.Single(await Registry.ListAsync(), h => h.Address == key.Address);
        Assert.Equal("http://127.0.0.1:9100", listed.Url);
        Assert.Equal(["mlp"], listed.Models);
        Assert.Equal(64, listed.Capacity);
        Assert.Equal("active", listed.Status);
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeSeconds(), listed.LastHeartbeat.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task A_heartbeat_moves_the_last_heartbeat_and_keeps_the_registration_time()
    {
        var key = OperatorKey.Generate();
        var registeredAt = _clock.GetUtcNow();
        await Registry.RegisterAsync(Registration(key, registeredAt).Sign(key));
        _clock.Advance(TimeSpan.FromSeconds(30));

        var heartbeat = await Registry.RegisterAsync(Registration(key, _clock.GetUtcNow()).Sign(key));

        Assert.True(heartbeat.Accepted, heartbeat.Error);
        Assert.Equal(registeredAt.ToUnixTimeSeconds(), heartbeat.Host!.RegisteredAt.ToUnixTimeSeconds());
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeSeconds(), heartbeat.Host.LastHeartbeat.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task A_host_without_heartbeats_for_90_seconds_is_listed_as_silent()
    {
        var key = OperatorKey.Generate();
        await Registry.RegisterAsync(Registration(key, _clock.GetUtcNow()).Sign(key));

        _clock.Advance(TimeSpan.FromSeconds(91));

        Assert.Equal("silent", Assert.Single(await Registry.ListAsync(), h => h.Address == key.Address).Status);
    }

    [Fact]
    public async Task A_registration_signed_by_another_key_is_refused_as_forged()
    {
        var host = OperatorKey.Generate();
        var forger = OperatorKey.Generate();

        var result = await Registry.RegisterAsync(Registration(host, _clock.GetUtcNow()).Sign(forger));

        Assert.False(result.Accepted);
        Assert.Equal(EdgeHostRefusals.SignerMismatch, result.Reason);
        Assert.DoesNotContain(await Registry.ListAsync(), h => h.Address == host.Address);
    }

    [Fact]
    public async Task A_registration_changed_after_signing_is_refused()
    {
        var key = OperatorKey.Generate();
        var signed = Registration(key, _clock.GetUtcNow()).Sign(key);

        var result = await Registry.RegisterAsync(signed with { Registration = signed.Registration with { Url = "http://evil.example:80" } });

        Assert.Equal(EdgeHostRefusals.SignerMismatch, result.Reason);
    }

    [Fact]
    public async Task A_garbage_signature_is_refused()
    {
        var key = OperatorKey.Generate();

        var result = await Registry.RegisterAsync(new SignedEdgeHostRegistration(Registration(key, _clock.GetUtcNow()), "0xdeadbeef"));

        Assert.Equal(EdgeHostRefusals.BadSignature, result.Reason);
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public async Task A_timestamp_more_than_five_minutes_off_is_refused_as_stale(int offsetSeconds)
    {
        var key = OperatorKey.Generate();

        var result = await Registry.RegisterAsync(Registration(key, _clock.GetUtcNow().AddSeconds(offsetSeconds)).Sign(key));

        Assert.Equal(EdgeHostRefusals.StaleTimestamp, result.Reason);
    }

    [Fact]
    public async Task Replaying_an_accepted_registration_is_refused()
    {
        var key = OperatorKey.Generate();
        var signed = Registration(key, _clock.GetUtcNow()).Sign(key);
        Assert.True((await Registry.RegisterAsync(signed)).Accepted);

        var replay = await Registry.RegisterAsync(signed);

        Assert.Equal(EdgeHostRefusals.Replayed, replay.Reason);
    }

    [Fact]
    public async Task A_registration_without_models_is_refused_as_invalid()
    {
        var key = OperatorKey.Generate();

        var result = await Registry.RegisterAsync((Registration(key, _clock.GetUtcNow()) with { Models = [] }).Sign(key));

        Assert.Equal(EdgeHostRefusals.Invalid, result.Reason);
        Assert.Contains("models", result.Error, StringComparison.Ordinal);
    }

    private static EdgeHostRegistration Registration(OperatorKey key, DateTimeOffset at) =>
        new(key.Address, "http://127.0.0.1:9100", ["mlp"], 64, at.ToUnixTimeSeconds());
}
