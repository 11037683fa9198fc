using System.Globalization;
using System.Numerics;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CityFn.Cli.Dashboard;
using CityFn.Cli.Ingest;
using CityFn.Cli.Rewards;
using CityFn.Cli.Scoring;
using CityFn.Cli.Simulate;
using CityFn.Contracts;
using CityFn.Core.Devices;
using CityFn.Core.EdgeHosts;
using CityFn.Core.Ethereum;
using CityFn.Core.Ingest;
using CityFn.Core.Ingest.Capture;
using CityFn.Core.Network;
using CityFn.Core.Rewards;
using CityFn.Core.Rewards.Ledger;
using CityFn.Core.Rewards.Settlement;
using CityFn.Core.Scoring;
using CityFn.Core.Scoring.Features;
using CityFn.Core.Storage;
using CityFn.LocalDev;
using CityFn.Simulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nethereum.Signer;

namespace CityFn.Cli.Demo;

/// <summary>
/// One `cityfn demo` run: starts Azurite and a Hardhat node, deploys the reward contracts, starts three edge
/// hosts (one misbehaving), simulates the city, registers its devices, then for each epoch ingests its capture
/// files, drains the scoring queue and settles the epoch — through the same stages the Functions app runs
/// (IngestStage, ScoreQueueDrainer/ScoreStage, SettlementStage) — claims for the best-paid sensor owner, and
/// compares the outputs with the simulator's truth. Everything it started is stopped before it returns.
/// </summary>
internal sealed class DemoRun(DemoSettings settings, DemoProgress progress, Func<DemoReport, DashboardSettings, CancellationToken, Task>? beforeStop = null)
{
    private const string SensorOwnerRole = "sensor owner";

    public async Task<DemoReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var folder = Directory.CreateTempSubdirectory("cityfn-demo-").FullName;
        var stopped = new List<string>();
        try
        {
            progress.Begin("start Azurite and the Hardhat node");
            var azuriteStart = AzuriteServer.StartAsync(cancellationToken: cancellationToken);
            var chainStart = LocalChain.StartAsync(cancellationToken: cancellationToken);
            try
            {
                await Task.WhenAll(azuriteStart, chainStart);
            }
            catch
            {
                await StopAsync(azuriteStart, stopped);
                await StopAsync(chainStart, stopped);
                throw;
            }

            DemoReport report;
            await using (var azurite = azuriteStart.Result)
            await using (var chain = chainStart.Result)
            {
                progress.End($"Azurite (pid {azurite.Pid}) blob port {azurite.Endpoints.BlobPort}, Hardhat node (pid {chain.Pid}) {chain.Endpoint.RpcUrl}");
                try
                {
                    report = await RunStagesAsync(folder, azurite, chain, stopped, cancellationToken);
                }
                finally
                {
                    stopped.Add($"Hardhat node (pid {chain.Pid})");
                    stopped.Add($"Azurite (pid {azurite.Pid})");
                }
            }

            return report with { Stopped = [.. stopped] };
        }
        finally
        {
            if (!settings.Keep)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private async Task<DemoReport> RunStagesAsync(string folder, AzuriteServer azurite, LocalChain chain, List<string> stopped, CancellationToken cancellationToken)
    {
        var connectionString = azurite.Endpoints.ConnectionString;
        var clock = new EpochClock(settings.EpochLength);
        var firstEpoch = clock.EpochOf(settings.Start);
        var lastEpoch = clock.EpochOf(settings.End - TimeSpan.FromTicks(1));
        var epochLength = settings.EpochLength.ToString("c", CultureInfo.InvariantCulture);

        // Contracts: the first funded key deploys and publishes; the second pays the claim's gas.
        progress.Begin("deploy the reward contracts");
        var publisherKey = chain.FundedKeys[0];
        RewardContracts contracts;
        using (var client = new ChainClient(chain.Endpoint.RpcUrl, publisherKey, chain.Endpoint.ChainId))
        {
            var cap = BigInteger.Pow(10, 24); // one million tokens per epoch at most
            var deployed = await RewardDistributorService.DeployAsync(
                client, new RewardDeploymentSettings(client.Address, client.Address, client.Address, cap) { FirstEpoch = firstEpoch }, cancellationToken);
            contracts = deployed.Contracts;
        }

        progress.End($"token {contracts.TokenAddress}, distributor {contracts.DistributorAddress}, first epoch {firstEpoch}");

        var overrides = new Dictionary<string, string?>
        {
            ["Rewards:EpochLength"] = epochLength,
            ["Scoring:VerificationFraction"] = settings.VerificationFraction.ToString(CultureInfo.InvariantCulture),
            ["Scoring:ReferenceModels"] = Path.Combine(folder, "models-honest"),
        };
        await using var scoring = ScoringServices.Build(connectionString, overrides, LogLevel.Error);
        await using var settlement = RewardsEnvironment.BuildServices(
            connectionString, chain.Endpoint.RpcUrl, chain.Endpoint.ChainId, contracts.DistributorAddress, new FixedSettlementKey(publisherKey), overrides);

        progress.Begin("start three edge hosts");
        var models = DemoModels.Write(
            scoring.GetServices<IScoringModel>(), Path.Combine(RepositoryRoot.Find(), "models"), Path.Combine(folder, "models-honest"), Path.Combine(folder, "models-tampered"));
        await using var hosts = await DemoEdgeHosts.StartAsync(folder, Path.Combine(folder, "models-honest"), Path.Combine(folder, "models-tampered"), connectionString, cancellationToken);
        try
        {
            await WaitForHostsAsync(connectionString, hosts.Hosts.Count, cancellationToken);
            progress.End(string.Join(", ", hosts.Hosts.Select(h => $"{h.Name} {h.Url.Port}{(h.Misbehaving ? " (misbehaving)" : "")}")) + "; models: "
                + string.Join(", ", models.Select(m => $"{m.Name} from {m.Source}")));

            return await RunCityAsync(folder, connectionString, chain, contracts, scoring, settlement, hosts, models, clock, firstEpoch, lastEpoch, cancellationToken);
        }
        finally
        {
            stopped.AddRange(hosts.Hosts.Select(h => $"edge host {h.Name} (port {h.Url.Port})"));
        }
    }

    private async Task<DemoReport> RunCityAsync(
        string folder, string connectionString, LocalChain chain, RewardContracts contracts, ServiceProvider scoring, ServiceProvider settlement,
        DemoEdgeHosts hosts, IReadOnlyList<DemoModel> models, EpochClock clock, long firstEpoch, long lastEpoch, CancellationToken cancellationToken)
    {
        // Simulate: capture files, registry.json and truth.jsonl into the data folder; the true segment speeds in memory.
        progress.Begin("simulate the city");
        // One partition per hub: a city of this size sends about a hundred messages a minute, which one partition
        // carries easily; more would only split each minute into smaller capture files and scoring jobs.
        var simulation = new SimulationSettings(
            new SimulationOptions { Seed = settings.Seed, Devices = settings.Devices, Minutes = settings.Minutes, Start = settings.Start },
            Partitions: 1, ChainId: chain.Endpoint.ChainId);
        var simulationFolder = Path.Combine(folder, "sim");
        var trueSpeeds = new Dictionary<(string Segment, DateTimeOffset Minute), double>();
        var simulated = await new SimulationRun(simulation, simulationFolder, null, null).RunAsync(
            (done, sent) => progress.Update($"{done}/{settings.Minutes} minutes, {sent:N0} messages"),
            cancellationToken,
            minute =>
            {
                foreach (var segment in minute.Traffic.Readings.GroupBy(r => r.SegmentId, StringComparer.Ordinal))
                {
                    trueSpeeds[(segment.Key, minute.MinuteStart)] = segment.Average(r => r.SpeedKmh);
                }
            });
        progress.End($"{simulated.Devices} devices, {simulated.Minutes} minutes, {simulated.Messages:N0} signed messages ({simulated.ReplayedMessages} replays) in {simulated.Files} capture files, {simulated.FaultyDeviceMinutes} faulty device-minutes");

        // The traffic forecast reads the road network (neighbours, free-flow speeds, time zone) from storage.
        progress.Begin("publish the road network and register the devices");
        var network = RoadNetworkStore.Parse(
            await File.ReadAllBytesAsync(Path.Combine(simulationFolder, SimulationRun.RoadNetworkFileName), cancellationToken), SimulationRun.RoadNetworkFileName);
        await new RoadNetworkStore(new BlobServiceClient(connectionString)).SaveAsync(network, cancellationToken);
        var tables = new TableServiceClient(connectionString);
        var registryFile = RegistryFileImport.Read(Path.Combine(simulationFolder, SimulationRun.RegistryFileName));
        var deviceRegistry = new DeviceRegistryStore(tables);
        var registered = await RegistryFileImport.RegisterAllAsync(
            registryFile, new DeviceRegistrationService(deviceRegistry, new DeviceRegistryOptions { ChainId = chain.Endpoint.ChainId }, TimeProvider.System), cancellationToken);
        if (registered.Refused.Count > 0)
        {
            throw new InvalidOperationException($"The registry refused {registered.Refused.Values.Sum()} device registrations: {string.Join(", ", registered.Refused.Select(r => $"{r.Key} {r.Value}"))}.");
        }

        progress.End($"{network.Segments.Count} road segments published; {registered.Stored} devices bound to {simulation.Owners} owners (EIP-712, both signatures checked)");

        // Ingest, score and settle epoch by epoch.
        var blobs = new BlobServiceClient(connectionString);
        var rewardsPolicy = Options.Create(new RewardsPolicyOptions { EpochLength = settings.EpochLength });
        var ingest = new IngestStage(
            blobs, new QueueServiceClient(connectionString), tables, deviceRegistry, new EpochLedgerStore(tables, deviceRegistry, rewardsPolicy), rewardsPolicy,
            new IngestOptions(), NullLogger<IngestStage>.Instance);
        var capture = blobs.GetBlobContainerClient(IngestStorage.CaptureContainer);
        await capture.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var captureFolder = Path.Combine(simulationFolder, SimulationRun.CaptureFolderName);
        var pending = new Queue<(string Path, string BlobName, DateTimeOffset Window)>(Directory.EnumerateFiles(captureFolder, "*.avro", SearchOption.AllDirectories)
            .Select(path => (Path: path, BlobName: IngestCommand.BlobNameFor(path, Path.GetRelativePath(captureFolder, path))))
            .Select(f => (f.Path, f.BlobName, Window: CaptureBlobName.TryParse(f.BlobName, out var name) ? name.WindowStart : DateTimeOffset.MaxValue))
            .OrderBy(f => f.Window).ThenBy(f => f.BlobName, StringComparer.Ordinal));
        var totalFiles = pending.Count;
        var ingested = new List<IngestSummary>();
        var scores = new List<ScoreSummary>();
        var states = new List<SettlementState>();
        var drainer = scoring.GetRequiredService<ScoreQueueDrainer>();
        var stage = settlement.GetRequiredService<SettlementStage>();
        for (var epoch = firstEpoch; epoch <= lastEpoch; epoch++)
        {
            var label = $"epoch {epoch} ({clock.StartOf(epoch):HH:mm}–{clock.EndOf(epoch):HH:mm})";
            progress.Begin($"{label}: ingest");
            var cutoff = epoch == lastEpoch ? DateTimeOffset.MaxValue : clock.EndOf(epoch) + DemoSettings.Grace;
            var files = new List<(string Path, string BlobName, DateTimeOffset Window)>();
            while (pending.Count > 0 && pending.Peek().Window < cutoff)
            {
                files.Add(pending.Dequeue());
            }

            // The two hubs' files are independent (a device sends to one hub), so they are ingested side by side,
            // each hub's in window order, as the Functions host would run two blob triggers at once.
            var epochSummaries = new System.Collections.Concurrent.ConcurrentBag<IngestSummary>();
            await Task.WhenAll(files.GroupBy(f => CaptureBlobName.TryParse(f.BlobName, out var name) ? name.Hub : "", StringComparer.Ordinal).Select(async hub =>
            {
                foreach (var (path, blobName, _) in hub)
                {
                    await using (var stream = File.OpenRead(path))
                    {
                        await capture.GetBlobClient(blobName).UploadAsync(stream, overwrite: true, cancellationToken);
                    }

                    epochSummaries.Add(await ingest.IngestBlobAsync(IngestStorage.CaptureContainer, blobName, cancellationToken));
                    progress.Update($"{totalFiles - pending.Count - files.Count + epochSummaries.Count}/{totalFiles} capture files");
                }
            }));

            var epochIngest = IngestCommand.Combine([.. epochSummaries]);
            ingested.Add(epochIngest);
            progress.End($"{epochIngest.Files} files, {epochIngest.Messages:N0} messages: {epochIngest.Accepted:N0} accepted, {epochIngest.Rejected.Values.Sum():N0} rejected; {epochIngest.Jobs} scoring jobs");

            progress.Begin($"{label}: score");
            var scored = await drainer.DrainAsync(settings.Parallelism, cancellationToken);
            scores.Add(scored);
            progress.End($"{scored.Scored}/{scored.Jobs} jobs, {scored.Rows:N0} rows, {scored.Verified} spot checks, {scored.Mismatches} mismatches, {scored.Alerts} alerts"
                + (scored.Quarantined.Count > 0 ? $"; quarantined {string.Join(", ", scored.Quarantined.Select(a => NameOf(hosts, a)))}" : ""));

            progress.Begin($"{label}: settle");
            var outcome = await stage.SettleAsync(epoch, cancellationToken);
            if (outcome.State.Status != SettlementStatus.Confirmed)
            {
                throw new InvalidOperationException($"Epoch {epoch} settlement ended {outcome.State.Status}, not confirmed.");
            }

            states.Add(outcome.State);
            progress.End($"root {Short(outcome.State.Root)} published in tx {Short(outcome.State.TransactionHash)} (block {outcome.State.Block}), {outcome.State.Accounts} accounts");
        }

        // Claim for the sensor owner with the largest cumulative reward: its key is the simulation's (derived from the seed).
        progress.Begin("claim on-chain");
        var lastReport = await settlement.GetRequiredService<SettlementStore>().ReadReportAsync(lastEpoch, cancellationToken)
            ?? throw new InvalidOperationException($"The report of epoch {lastEpoch} is missing.");
        var owners = Enumerable.Range(0, simulation.Owners)
            .ToDictionary(i => DeviceKey.FromBytes(SimulationKeys.OwnerSecret(settings.Seed, i)).Address.ToLowerInvariant(), i => i, StringComparer.Ordinal);
        var best = lastReport.Payouts.Where(p => owners.ContainsKey(p.Account.ToLowerInvariant()))
            .OrderByDescending(p => BigInteger.Parse(p.Cumulative, CultureInfo.InvariantCulture)).ThenBy(p => p.Account, StringComparer.Ordinal).FirstOrDefault()
            ?? throw new InvalidOperationException("No sensor owner earned anything: nothing to claim.");
        var ownerKey = new EthECKey(SimulationKeys.OwnerSecret(settings.Seed, owners[best.Account.ToLowerInvariant()]), true);
        var rewards = await settlement.GetRequiredService<ContributorRewardsService>().GetAsync(EthAddress.Parse(best.Account), cancellationToken);
        var claim = await RewardClaimer.ClaimAsync(settlement, rewards, ownerKey, chain.FundedKeys[1], null, cancellationToken);
        progress.End($"{claim.Account} claimed {Tokens(claim.Paid)} CRT against epoch {claim.Epoch} (tx {Short(claim.TransactionHash)}, {claim.GasUsed:N0} gas)");

        progress.Begin("compare with the simulator's truth");
        var reader = await settlement.GetRequiredService<SettlementChain>().ReaderAsync(cancellationToken);
        var epochs = new List<DemoEpoch>();
        foreach (var state in states)
        {
            var onChain = "0x" + Convert.ToHexStringLower(await reader.GetRootAsync(state.Epoch, cancellationToken));
            epochs.Add(new DemoEpoch(
                state.Epoch, clock.StartOf(state.Epoch), clock.EndOf(state.Epoch), state.Root, onChain, state.TransactionHash, state.Block, state.GasUsed,
                state.EpochTotal, state.Accounts, state.Status.ToString()));
        }

        var statuses = await scoring.GetRequiredService<EdgeHostStatusReader>().ListAsync(cancellationToken);
        var demoHosts = hosts.Hosts.Select(h =>
        {
            var status = statuses.FirstOrDefault(s => string.Equals(s.Address, h.Address, StringComparison.OrdinalIgnoreCase));
            return new DemoHost(
                h.Name, h.Address, h.Url.ToString(), h.Misbehaving, status?.Status ?? "unregistered", status?.Checks ?? 0, status?.FailedChecks ?? 0,
                status?.QuarantineReason, status?.QuarantineEvidence);
        }).ToList();
        var analytics = blobs.GetBlobContainerClient(IngestStorage.AnalyticsContainer);
        var allIngest = IngestCommand.Combine(ingested);
        var forecast = await DemoAnalysis.ForecastAsync(analytics, TrafficForecastModel.ModelName, trueSpeeds, cancellationToken);
        var faults = await DemoAnalysis.FaultsAsync(
            analytics, Path.Combine(simulationFolder, SimulationRun.TruthFileName), scoring.GetRequiredService<ScoringOptions>().FaultAlertThreshold, allIngest.Rejected, cancellationToken);
        progress.End($"{forecast.Compared:N0} forecasts and {faults.ScoredDeviceMinutes:N0} quality scores compared");

        var hostOperators = lastReport.Hosts.Select(h => h.Operator.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var top = lastReport.Payouts
            .OrderByDescending(p => BigInteger.Parse(p.Cumulative, CultureInfo.InvariantCulture)).ThenBy(p => p.Account, StringComparer.Ordinal)
            .Take(5)
            .Select(p => new DemoContributor(
                p.Account, hostOperators.Contains(p.Account.ToLowerInvariant()) ? $"edge host operator ({NameOf(hosts, p.Account)})" : SensorOwnerRole,
                p.Data, p.Compute, p.Cumulative))
            .ToList();
        var scoreTotal = Sum(scores);
        var report = new DemoReport(
            new DemoRunInfo(
                settings.Seed, settings.Devices, simulation.Owners, settings.Minutes, settings.Start, settings.End, settings.EpochMinutes, settings.VerificationFraction,
                models, settings.Keep ? folder : null, 0),
            new DemoReadings(
                simulated.Messages, simulated.ReplayedMessages, simulated.DroppedMinutes, simulated.Files, allIngest.Messages, allIngest.Accepted, allIngest.Readings,
                allIngest.Rejected, allIngest.Jobs, allIngest.Errors),
            scoreTotal,
            forecast,
            faults,
            demoHosts,
            epochs,
            top,
            new DemoClaim(
                claim.Account, claim.Epoch, claim.Cumulative, claim.Paid.ToString(CultureInfo.InvariantCulture), claim.BalanceBefore.ToString(CultureInfo.InvariantCulture),
                claim.BalanceAfter.ToString(CultureInfo.InvariantCulture), claim.TransactionHash, claim.GasUsed),
            [],
            [],
            null);
        if (beforeStop is not null)
        {
            // --serve: everything still runs; the caller serves the dashboard over it until Ctrl+C.
            await beforeStop(report, new DashboardSettings(connectionString, chain.Endpoint.RpcUrl, chain.Endpoint.ChainId, contracts.DistributorAddress), cancellationToken);
        }

        return report;
    }

    private static DemoScoring Sum(IReadOnlyList<ScoreSummary> scores) => new(
        scores.Sum(s => s.Jobs), scores.Sum(s => s.Scored), scores.Sum(s => s.Poisoned), scores.Sum(s => s.Deferred), scores.Sum(s => s.Rows),
        scores.Sum(s => s.Retried), scores.Sum(s => s.Hedged), scores.Sum(s => s.Verified), scores.Sum(s => s.Mismatches), scores.Sum(s => s.Alerts),
        [.. scores.SelectMany(s => s.Errors).Distinct(StringComparer.Ordinal)]);

    private static async Task WaitForHostsAsync(string connectionString, int count, CancellationToken cancellationToken)
    {
        var registry = EdgeHostRegistry.Create(StorageConnection.FromConnectionString(connectionString), TimeProvider.System);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            while ((await registry.ListAsync(timeout.Token)).Count(h => h.Status == "active") < count)
            {
                await Task.Delay(100, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The {count} edge hosts did not all register within 60 s.");
        }
    }

    private static async Task StopAsync<T>(Task<T> starting, List<string> stopped)
        where T : IAsyncDisposable
    {
        // Waits for the start to end either way (a start that failed has stopped what it started).
        await Task.WhenAny(starting);
        if (starting.IsCompletedSuccessfully)
        {
            await starting.Result.DisposeAsync();
            stopped.Add(typeof(T).Name);
        }
    }

    private static string NameOf(DemoEdgeHosts hosts, string address) =>
        hosts.Hosts.FirstOrDefault(h => string.Equals(h.Address, address, StringComparison.OrdinalIgnoreCase))?.Name ?? address;

    internal static string Short(string? hex) => hex is { Length: > 14 } ? $"{hex[..10]}…{hex[^4..]}" : hex ?? "-";

    internal static string Tokens(BigInteger baseUnits) =>
        ((decimal)(baseUnits / BigInteger.Pow(10, 12)) / 1_000_000m).ToString("0.######", CultureInfo.InvariantCulture);
}
