using CityFn.Core.Scoring;
using CityFn.Core.Scoring.Outputs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CityFn.Functions.Scoring;

/// <summary>
/// <c>GET /api/segments/{id}/forecast</c>: the newest forecast of a road segment (speed in km/h 15 minutes ahead,
/// the latest speed, congestion level and alert; <see cref="SegmentForecast"/>), or 404.
/// </summary>
public sealed class SegmentsFunction(ScoreOutputWriter outputs)
{
    [Function("GetSegmentForecast")]
    public async Task<IActionResult> GetForecast(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "segments/{id}/forecast")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 256)
        {
            return new BadRequestObjectResult(new { error = "The segment id must be 1 to 256 characters." });
        }

        var forecast = await outputs.FindForecastAsync(id, cancellationToken);
        return forecast is null
            ? new NotFoundObjectResult(new { error = $"No forecast for segment {id} yet." })
            : new JsonResult(forecast, ScoringJsonContext.Default.Options);
    }
}
