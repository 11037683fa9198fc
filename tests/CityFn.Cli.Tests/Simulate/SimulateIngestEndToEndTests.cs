using System.Text.Json;
using CityFn.TestSupport;

namespace CityFn.Cli.Tests.Simulate;

/// <summary>simulate → register --file → ingest, against a real Azurite: what the simulator says it sent is what ingest decides.</summary>
[Collection(LocalDependenciesCollection.Name)]
public sealed class SimulateIngestEndToEndTests(AzuriteFixture azurite) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cityfn-sim-e2e-").FullName;

    [Fact]
    public async Task Faulty_but_signed_messages_are_accepted_and_replayed_ones_rejected_as_duplicates()
    {
        // Seed 1002 with 20 devices for 10 minutes at fault rate 0.5 has replays, dropouts, drift, excess noise and stuck-at faults.
        var (simulateExit, simulateOutput) = await CliRun.InvokeAsync(
            "simulate", "--out", _directory, "--seed", "1002", "--devices", "20", "--minutes", "10", "--fault-rate", "0.5", "--partitions", "2",
            "--namespace", "e2e", "--json");
        Assert.True(simulateExit == 0, simulateOutput);
        using var simulated = JsonDocument.Parse(simulateOutput);
        var fresh = simulated.RootElement.GetProperty("freshMessages").GetInt64();
        var replayed = simulated.RootElement.GetProperty("replayedMessages").GetInt64();
        var truth = File.ReadAllLines(Path.Combine(_directory, "truth.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("fault").GetString()).ToList();
        Assert.True(replayed > 0, "the scenario must contain a replay");
        Assert.Equal(truth.Count(f => f == "replayed"), replayed);
        Assert.Contains(truth, f => f is not "replayed" and not "dropout");

        var registry = Path.Combine(_directory, "registry.json");
        var (registerExit, registerOutput) = await CliRun.InvokeAsync("register", "--file", registry, "--storage", azurite.ConnectionString);
        var (againExit, againOutput) = await CliRun.InvokeAsync("register", "--file", registry, "--storage", azurite.ConnectionString);
        var (ingestExit, ingestOutput) = await CliRun.InvokeAsync("ingest", Path.Combine(_directory, "capture"), "--storage", azurite.ConnectionString, "--json");

        Assert.True(registerExit == 0, registerOutput);
        using var registered = JsonDocument.Parse(registerOutput);
        Assert.Equal(20, registered.RootElement.GetProperty("stored").GetInt32());
        Assert.Equal(0, againExit);
        using var registeredAgain = JsonDocument.Parse(againOutput);
        Assert.Equal(20, registeredAgain.RootElement.GetProperty("alreadyRegistered").GetInt32());

        Assert.True(ingestExit == 0, ingestOutput);
        using var ingested = JsonDocument.Parse(ingestOutput);
        var root = ingested.RootElement;
        Assert.Equal(simulated.RootElement.GetProperty("files").GetInt32(), root.GetProperty("files").GetInt32());
        Assert.Equal(fresh + replayed, root.GetProperty("messages").GetInt64());
        Assert.Equal(fresh, root.GetProperty("accepted").GetInt64());
        Assert.Equal(simulated.RootElement.GetProperty("readings").GetInt64(), root.GetProperty("readings").GetInt64());
        var rejected = root.GetProperty("rejected").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        Assert.Equal(new Dictionary<string, long> { ["duplicate_message"] = replayed }, rejected);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
