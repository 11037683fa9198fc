using System.Runtime.InteropServices;
using CityFn.Edge.Models;
using CityFn.LocalDev;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityFn.Models.Tests;

/// <summary>
/// The committed model repository (models/ at the repository root), loaded once through the edge host's
/// <see cref="ModelRepository"/> on CPU, exactly as <c>cityfn edge serve --models models</c> loads it.
/// </summary>
public sealed class CommittedModels : IDisposable
{
    public CommittedModels()
    {
        Root = Path.Combine(RepositoryRoot.Find(), "models");
        Repository = ModelRepository.Load(Root, ExecutionDevice.Cpu, intraOpThreads: 1, NullLogger.Instance);
    }

    public string Root { get; }

    public ModelRepository Repository { get; }

    public OnnxModel Model(string name) => Repository.Find(name, version: null) ?? throw new InvalidOperationException($"The repository has no model {name}.");

    /// <summary>Runs a single-input, single-output [N, F] → [N, 1] model on row-major rows, in batches like a server would.</summary>
    public static float[] Score(OnnxModel model, float[] rows, int features, int batch = 4096)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rows);
        var count = rows.Length / features;
        var scores = new float[count];
        for (var start = 0; start < count; start += batch)
        {
            var n = Math.Min(batch, count - start);
            var offset = start;
            model.Run(
                [[n, features]],
                (_, destination) => MemoryMarshal.AsBytes(rows.AsSpan(offset * features, n * features)).CopyTo(destination),
                (_, shape, data) =>
                {
                    Assert.Equal([n, 1L], shape.ToArray());
                    MemoryMarshal.Cast<byte, float>(data).CopyTo(scores.AsSpan(offset, n));
                });
        }

        return scores;
    }

    public void Dispose() => Repository.Dispose();
}

[CollectionDefinition(Name)]
public sealed class CommittedModelsCollection : ICollectionFixture<CommittedModels>
{
    public const string Name = "committed models";
}
