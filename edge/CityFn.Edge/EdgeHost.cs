namespace CityFn.Edge;

/// <summary>Builds the edge host's web application; Program and the tests share it.</summary>
public static class EdgeHost
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var app = builder.Build();
        app.MapOpenInferenceHealth();
        return app;
    }

    /// <summary>OIP v2 health: live once the process serves HTTP, ready once models are loaded.</summary>
    public static IEndpointRouteBuilder MapOpenInferenceHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/v2/health/live", () => Results.Ok(new { live = true }));
        endpoints.MapGet("/v2/health/ready", () => Results.Ok(new { ready = true }));
        return endpoints;
    }
}
