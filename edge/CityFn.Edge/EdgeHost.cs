using System.Diagnostics.Metrics;
using CityFn.Core.EdgeHosts;
using CityFn.Edge.Batching;
using CityFn.Edge.Models;
using CityFn.Edge.Protocol;
using CityFn.Edge.Registration;
using CityFn.Edge.Telemetry;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace CityFn.Edge;

/// <summary>Builds the edge host's web application; Program, <c>cityfn edge serve</c>, the benchmark and the tests share it.</summary>
public static class EdgeHost
{
    public static WebApplication Build(string[] args)
    {
        var normalized = EdgeHostArguments.Normalize(args);
        var builder = WebApplication.CreateBuilder(normalized);
        builder.Configuration.AddCommandLine(normalized, EdgeHostArguments.SwitchMappings.ToDictionary());
        builder.AddEdgeHost();
        var app = builder.Build();

        // Load the models and the key now, so a bad model folder or key file stops the start with its reason.
        app.Services.GetRequiredService<ModelRepository>();
        app.Services.GetRequiredService<OperatorKey>();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapOpenInference();
        return app;
    }

    public static IHostApplicationBuilder AddEdgeHost(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<EdgeHostOptions>().BindConfiguration(EdgeHostOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(EdgeHostOptions.Section).Get<EdgeHostOptions>() ?? new EdgeHostOptions();
        // --port wins; an explicit --urls (ASP.NET's own setting) is honoured when no port is given.
        if (options.Port is { } port || string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls($"http://{options.Listen}:{options.Port ?? EdgeHostOptions.DefaultPort}");
        }

        // Structured logs: one JSON object per event, also when the host runs inside `cityfn edge serve`
        // (whose working directory has no appsettings.json).
        builder.Logging.AddJsonConsole(json =>
        {
            json.UseUtcTimestamp = true;
            json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes);
        builder.Services.AddSingleton(TimeProvider.System);
        var meterName = EdgeMetrics.ReserveMeterName();
        builder.Services.AddSingleton(sp => new EdgeMetrics(sp.GetRequiredService<IMeterFactory>(), meterName));
        builder.Services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<EdgeHostOptions>>().Value;
            return ModelRepository.Load(settings.Models, settings.Device, settings.IntraOpThreads, sp.GetRequiredService<ILogger<ModelRepository>>());
        });
        builder.Services.AddSingleton(sp => OperatorKeyFile.LoadOrCreate(
            sp.GetRequiredService<IOptions<EdgeHostOptions>>().Value.KeyFile, sp.GetRequiredService<ILogger<OperatorKey>>()));
        builder.Services.AddSingleton<BatchingService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BatchingService>());
        builder.Services.AddHostedService<EdgeRegistrationService>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(meterName)
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        return builder;
    }
}
