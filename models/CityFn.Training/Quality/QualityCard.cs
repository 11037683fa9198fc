using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CityFn.Training.Quality;

/// <summary>Writes the sensor-quality model, its config, metrics and model card.</summary>
public static class QualityCard
{
    public static void Write(string root, QualityResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var metrics = JsonSerializer.Serialize(result.Test, MetricsJsonContext.Default.QualityTestMetrics);
        ModelArtifacts.Write(root, QualityTraining.ModelName, result.Onnx, Card(result), metrics);
    }

    private static string Card(QualityResult r)
    {
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        s.AppendLine(c, $"# sensor-quality TBD {r.Test.Model.F1}");
        return s.ToString();
    }
}
