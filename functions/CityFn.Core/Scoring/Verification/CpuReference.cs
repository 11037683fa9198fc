using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;

namespace CityFn.Core.Scoring.Verification;

/// <summary>
/// The in-process CPU reference that decides disagreements: ONNX Runtime on the CPU execution provider, one
/// InferenceSession per model, loaded on first use from a model repository folder laid out like the edge
/// host's (<c>&lt;name&gt;/1/model.onnx</c> or <c>&lt;name&gt;/model.onnx</c>).
/// </summary>
public sealed class CpuReference(ScoringOptions options) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<InferenceSession?>> _sessions = new(StringComparer.Ordinal);

    public string Folder => Path.IsPathRooted(options.ReferenceModels) ? options.ReferenceModels : Path.Combine(AppContext.BaseDirectory, options.ReferenceModels);

    public bool Has(string model) => Session(model) is not null;

    /// <summary>Runs FP32 [rows, columns] through the model; returns the named output's FP32 values (row-major).</summary>
    public float[] Run(string model, string inputName, string outputName, float[] features, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(features);
        var session = Session(model) ?? throw new InvalidOperationException($"The CPU reference has no model {model} under {Folder}.");
        using var input = OrtValue.CreateTensorValueFromMemory(features, [rows, columns]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [inputName], [input], [outputName]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose()
    {
        foreach (var session in _sessions.Values.Where(s => s.IsValueCreated))
        {
            session.Value?.Dispose();
        }
    }

    private InferenceSession? Session(string model) => _sessions.GetOrAdd(model, name => new Lazy<InferenceSession?>(() =>
    {
        var file = new[] { Path.Combine(Folder, name, "1", "model.onnx"), Path.Combine(Folder, name, "model.onnx") }.FirstOrDefault(File.Exists);
        if (file is null)
        {
            return null;
        }

        using var sessionOptions = new SessionOptions { IntraOpNumThreads = 1 };
        return new InferenceSession(file, sessionOptions);
    })).Value;
}
