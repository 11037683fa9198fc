using CityFn.Core.Scoring.Features;
using CityFn.Edge.Models;
using Microsoft.ML.OnnxRuntime;

namespace CityFn.Cli.Demo;

/// <summary>One model the demo's hosts serve: from the repository's models/ folder, or the tiny stand-in MLP.</summary>
public sealed record DemoModel(string Name, string Source, int Columns);

/// <summary>
/// The two model repositories of the demo's edge hosts: the honest one (also the CPU reference that decides
/// disagreements) and the tampered one of the misbehaving host (<see cref="TamperedModel"/>). Each scoring model
/// the stage uses is served from the committed <c>models/&lt;name&gt;/1/model.onnx</c> when that file reads the
/// stage's feature width; otherwise (a stage still on stand-in features) the tiny MLP of that width stands in,
/// as in <c>cityfn bench score</c>, and the report says so.
/// </summary>
internal static class DemoModels
{
    public static IReadOnlyList<DemoModel> Write(IEnumerable<IScoringModel> models, string committedModels, string honestFolder, string tamperedFolder)
    {
        ArgumentNullException.ThrowIfNull(models);
        var written = new List<DemoModel>();
        foreach (var model in models.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            var committed = Path.Combine(committedModels, model.Name, "1", "model.onnx");
            var (onnx, source) = File.Exists(committed) && InputColumns(committed, model.InputName) == model.Columns
                ? (File.ReadAllBytes(committed), $"models/{model.Name}")
                : (new TinyMlp(features: model.Columns).ToOnnx(), $"tiny MLP stand-in ({model.Columns} features)");
            var config = new ModelConfig(model.Name, MaxBatchSize: 4096, MaxQueueDelayMs: 1);
            ModelRepository.WriteModel(honestFolder, onnx, config);
            ModelRepository.WriteModel(tamperedFolder, TamperedModel.Tamper(onnx, model.OutputName), config);
            written.Add(new DemoModel(model.Name, source, model.Columns));
        }

        return written;
    }

    private static long? InputColumns(string file, string inputName)
    {
        using var session = new InferenceSession(file);
        return session.InputMetadata.TryGetValue(inputName, out var input) && input.Dimensions.Length == 2 ? input.Dimensions[1] : null;
    }
}
