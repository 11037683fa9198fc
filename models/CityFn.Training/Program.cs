using CityFn.Training.Forecast;

namespace CityFn.Training;

internal static class Program
{
    private const string Usage = """
        CityFn.Training: simulates the training city, trains the CityFn models and writes them as a model repository.

        Usage: dotnet run --project models/CityFn.Training -c Release -- [options]

          --model forecast|quality|all   which model to train (default all)
          --out DIR                      model repository to write (default: models)
          --help                         show this text

        Writes DIR/<name>/config.json, DIR/<name>/1/model.onnx, DIR/<name>/MODEL_CARD.md and DIR/<name>/metrics.json.
        Deterministic: the same code gives bit-identical models and metrics on any machine and thread count.
        """;

    private static int Main(string[] args)
    {
        var model = "all";
        var output = "models";
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--help" or "-h":
                    Console.WriteLine(Usage);
                    return 0;
                case "--model" when i + 1 < args.Length:
                    model = args[++i];
                    break;
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                default:
                    Console.Error.WriteLine($"Unknown or incomplete option '{args[i]}'.");
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        if (model is not ("forecast" or "quality" or "all"))
        {
            Console.Error.WriteLine($"--model must be forecast, quality or all, got '{model}'.");
            return 2;
        }

        if (model is "forecast" or "all")
        {
            var result = ForecastTraining.Run(Console.Out);
            ForecastCard.Write(output, result);
            foreach (var (label, m) in new[] { ("true speed", result.Test.AgainstTruth), ("readings", result.Test.AgainstReadings) })
            {
                Console.WriteLine($"forecast vs {label}: MAE {m.ModelMae:F3} km/h (persistence {m.PersistenceMae:F3}, historical average {m.HistoricalAverageMae:F3}); congested ({m.CongestedRows} of {m.Rows} rows) {m.ModelMaeCongested:F3} (persistence {m.PersistenceMaeCongested:F3}, historical average {m.HistoricalAverageMaeCongested:F3})");
            }
        }

        if (model is "quality" or "all")
        {
            var result = Quality.QualityTraining.Run(Console.Out);
            Quality.QualityCard.Write(output, result);
            foreach (var (label, m) in new[] { ("model", result.Test.Model), ("rules", result.Test.RuleBaseline), ("model at the alert threshold", result.Test.ModelAtAlertThreshold) })
            {
                Console.WriteLine($"quality {label} (flag at {m.Threshold:0.00}): F1 {m.F1:F3} (precision {m.Precision:F3}, recall {m.Recall:F3}), clean false positives {m.CleanFalsePositiveRate:P2}; " + string.Join(", ", m.PerKind.Select(k => $"{k.Kind} {k.Recall:F2}/{k.F1:F2}")));
            }
        }

        return 0;
    }
}
