using CityFn.Core.Ingest;

namespace CityFn.Core.Scoring.Features;

/// <summary>What a model's scores become: road-segment forecasts or device quality.</summary>
public enum ScoreOutputKind
{
    Forecast,
    Quality,
}

/// <summary>
/// One model the fan-out scores: its name on the edge hosts, its input and output tensor names, and how a
/// scoring job's readings become its feature matrix. Plugging in a real model means one new class of this
/// interface registered in DI (docs/scoring.md, "Plugging in a model"); nothing else in the stage changes.
/// The model must take FP32 [N, <see cref="Columns"/>] and return FP32 [N, k]; column 0 of the output is the
/// score (a probability in [0, 1]: congestion for forecasts, sensor fault for quality).
/// </summary>
public interface IScoringModel
{
    /// <summary>The name edge hosts serve the model under (OIP v2 <c>/v2/models/{name}</c>).</summary>
    string Name { get; }

    ScoreOutputKind Output { get; }

    string InputName { get; }

    string OutputName { get; }

    /// <summary>Features per row.</summary>
    int Columns { get; }

    /// <summary>Whether this model scores jobs of this sensor kind (the job's <see cref="ScoreJob.Kind"/>).</summary>
    bool Scores(string kind);

    /// <summary>The feature matrix of one job: one row per entity (segment or device).</summary>
    Task<FeatureMatrix> FeaturizeAsync(ScoreJob job, IReadOnlyList<ReadingRow> readings, CancellationToken cancellationToken = default);
}
