using CityFn.Core.EdgeHosts;
using CityFn.Core.Storage;
using CityFn.Edge.Models;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace CityFn.Edge.Registration;

/// <summary>
/// With <c>--register</c>: once the server listens, registers the host and then heartbeats every
/// <see cref="EdgeHostOptions.HeartbeatSeconds"/>, each time a fresh signed <see cref="EdgeHostRegistration"/>.
/// It posts to <c>--registry-url</c> when given; otherwise it runs the same registry stage straight
/// against the configured storage (<c>AzureWebJobsStorage</c> / <c>--storage</c>): the local case.
/// </summary>
public sealed partial class EdgeRegistrationService(
    IOptions<EdgeHostOptions> options,
    OperatorKey key,
    ModelRepository repository,
    IServer server,
    IHostApplicationLifetime lifetime,
    IConfiguration configuration,
    TimeProvider timeProvider,
    ILogger<EdgeRegistrationService> logger) : BackgroundService
{
    private readonly EdgeHostOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Register)
        {
            return;
        }

        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(started.SetResult))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        var url = (_options.PublicUrl?.ToString() ?? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "").TrimEnd('/');
        var models = repository.Models.Select(m => m.Name).Order(StringComparer.Ordinal).ToArray();
        var capacity = repository.Models.Sum(m => (long)m.Config.MaxQueueSize);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var registry = _options.RegistryUrl is null ? EdgeHostRegistry.Create(StorageConnection.FromConfiguration(configuration), timeProvider) : null;

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.HeartbeatSeconds), timeProvider);
        try
        {
            do
            {
                await SendAsync(http, registry, url, models, capacity, stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    private async Task SendAsync(HttpClient http, EdgeHostRegistry? registry, string url, string[] models, long capacity, CancellationToken stoppingToken)
    {
        var registration = new EdgeHostRegistration(key.Address, url, models, capacity, timeProvider.GetUtcNow().ToUnixTimeSeconds());
        try
        {
            var refusal = registry is not null
                ? await RegisterInStorageAsync(registry, registration, stoppingToken)
                : await RegisterOverHttpAsync(http, registration, stoppingToken);
            if (refusal is null)
            {
                LogRegistered(logger, key.Address, url, _options.RegistryUrl?.ToString() ?? "storage");
            }
            else
            {
                LogRefused(logger, refusal);
            }
        }
        catch (Exception exception) when ((exception is HttpRequestException or TaskCanceledException or Azure.RequestFailedException) && !stoppingToken.IsCancellationRequested)
        {
            LogUnreachable(logger, exception.Message);
        }
    }

    private async Task<string?> RegisterInStorageAsync(EdgeHostRegistry registry, EdgeHostRegistration registration, CancellationToken cancellationToken)
    {
        var result = await registry.RegisterAsync(registration.Sign(key), cancellationToken);
        return result.Accepted ? null : $"{result.Reason}: {result.Error}";
    }

    private async Task<string?> RegisterOverHttpAsync(HttpClient http, EdgeHostRegistration registration, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(_options.RegistryUrl, registration.Sign(key), EdgeHostsJsonContext.Default.SignedEdgeHostRegistration, cancellationToken);
        return response.IsSuccessStatusCode ? null : $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered {Address} at {Url} with {Registry}")]
    private static partial void LogRegistered(ILogger logger, string address, string url, string registry);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The registry refused the registration: {Refusal}")]
    private static partial void LogRefused(ILogger logger, string refusal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The registry is unreachable, retrying at the next heartbeat: {Error}")]
    private static partial void LogUnreachable(ILogger logger, string error);
}
