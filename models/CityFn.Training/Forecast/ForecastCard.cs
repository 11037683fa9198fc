using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CityFn.Training.Forecast;

/// <summary>Writes the traffic-forecast model, its config, metrics and model card.</summary>
public static class ForecastCard
{
    public static void Write(string root, ForecastResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var metrics = JsonSerializer.Serialize(result.Test, MetricsJsonContext.Default.ForecastTestMetrics);
        ModelArtifacts.Write(root, ForecastTraining.ModelName, result.Onnx, Card(result), metrics);
    }

    private static string Card(ForecastResult r)
    {
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        s.AppendLine(c, $"# traffic-forecast: TBD {r.Test.AgainstTruth.ModelMae}");
        return s.ToString();
    }
}
