using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using CityFn.Core.Scoring;
using CityFn.LocalDev;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace CityFn.Cli.Scoring;

/// <summary>
/// <c>cityfn score</c>: drains queue "score-jobs" through the same scoring stage the ScoreJobs function runs,
/// against the edge hosts in the registry. Jobs no host can score now are put back with a backoff; after the
/// max dequeue count they go to "score-jobs-poison".
/// </summary>
public static class ScoreCommand
{
    public static Command Build(IAnsiConsole console)
    {
        var storageOption = new Option<string?>("--storage") { Description = "Storage connection string. Default: the Azurite that `cityfn dev up` runs." };
        var parallelismOption = new Option<int>("--parallelism") { Description = "Jobs scored at a time.", DefaultValueFactory = _ => 4 };
        var verificationOption = new Option<double?>("--verification") { Description = "Fraction of jobs spot-checked (0 to 1). Default: Scoring__VerificationFraction or 0.05." };
        var modelsOption = new Option<string?>("--reference-models") { Description = "Model repository of the CPU reference. Default: the repository's models/ folder." };
        var jsonOption = new Option<bool>("--json") { Description = "Print one JSON object: jobs, scored, skipped, retried, hedged, verified, mismatches, poisoned, deferred, rows, alerts, quarantined, errors." };
        var command = new Command("score", "Score the queued jobs on the registered edge hosts (spot-checked), writing forecasts, quality, alerts and ledger rows.")
        {
            storageOption, parallelismOption, verificationOption, modelsOption, jsonOption,
        };

        CliAction.Set(command, console, async (parseResult, cancellationToken) =>
        {
            var parallelism = parseResult.GetValue(parallelismOption);
            var verification = parseResult.GetValue(verificationOption);
            if (parallelism is < 1 or > 256 || verification is < 0 or > 1)
            {
                console.MarkupLine("[red]error:[/] --parallelism must be 1 to 256 and --verification 0 to 1.");
                return CliAction.UserError;
            }

            var connectionString = parseResult.GetValue(storageOption)
                ?? (DevState.Load(DevPaths.ForRepository(RepositoryRoot.Find()).StateFile)?.Azurite ?? AzuriteEndpoints.Default).ConnectionString;
            try
            {
                await new QueueServiceClient(connectionString).GetQueueClient(ScoringStorage.JobsQueue).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            }
            catch (Exception exception) when (exception is RequestFailedException or AggregateException or HttpRequestException)
            {
                throw new DependencyUnavailableException(
                    $"Storage is not reachable ({exception.GetBaseException().Message}).",
                    "Start Azurite with `cityfn dev up`, or pass --storage with a reachable account's connection string.");
            }

            var overrides = new Dictionary<string, string?>();
            if (verification is { } fraction)
            {
                overrides["Scoring:VerificationFraction"] = fraction.ToString(CultureInfo.InvariantCulture);
            }

            if (parseResult.GetValue(modelsOption) is { } models)
            {
                overrides["Scoring:ReferenceModels"] = Path.GetFullPath(models);
            }

            var json = parseResult.GetValue(jsonOption);
            await using var services = ScoringServices.Build(connectionString, overrides, json ? LogLevel.Error : LogLevel.Warning);
            var summary = await services.GetRequiredService<ScoreQueueDrainer>().DrainAsync(parallelism, cancellationToken);
            if (json)
            {
                console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(summary, ScoringJsonContext.Default.ScoreSummary));
            }
            else
            {
                Write(console, summary);
            }

            return summary.Poisoned == 0 ? CliAction.Ok : CliAction.NotOk;
        });
        return command;
    }

    private static void Write(IAnsiConsole console, ScoreSummary summary)
    {
        var table = new Table().AddColumns("", "count");
        void Row(string name, long value) => table.AddRow(name, value.ToString(CultureInfo.InvariantCulture));
        Row("jobs", summary.Jobs);
        Row("scored", summary.Scored);
        Row("skipped (done before)", summary.Skipped);
        Row("deferred (no usable host)", summary.Deferred);
        Row("poisoned", summary.Poisoned);
        Row("rows scored", summary.Rows);
        Row("calls retried on another host", summary.Retried);
        Row("calls hedged", summary.Hedged);
        Row("calls spot-checked", summary.Verified);
        Row("mismatches", summary.Mismatches);
        Row("alerts", summary.Alerts);
        console.Write(table);
        foreach (var host in summary.Quarantined)
        {
            console.MarkupLineInterpolated($"[red]quarantined:[/] {host}");
        }

        foreach (var error in summary.Errors)
        {
            console.MarkupLineInterpolated($"[yellow]note:[/] {error}");
        }
    }
}
