using CityFn.Training.Forecast;
using CityFn.Training.Quality;

namespace CityFn.Models.Tests;

[Collection(CommittedModelsCollection.Name)]
public sealed class ModelRepositoryLayoutTests(CommittedModels models)
{
    [Fact]
    public void The_edge_host_serves_both_models_from_models_and_skips_the_training_project_beside_them()
    {
        Assert.True(Directory.Exists(Path.Combine(models.Root, "CityFn.Training")));

        var names = models.Repository.Models.Select(m => m.Name).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal([QualityTraining.ModelName, ForecastTraining.ModelName], names);
        Assert.All(models.Repository.Models, m => Assert.Equal("1", m.Version));
    }

    [Fact]
    public void The_sensor_quality_model_reads_the_feature_vector_and_answers_one_probability_per_row()
    {
        var quality = models.Model(QualityTraining.ModelName);

        var input = Assert.Single(quality.Inputs);
        Assert.Equal([-1L, Core.Features.SensorQualityFeatures.Count], input.Shape);
        Assert.Equal(QualityTraining.OutputName, Assert.Single(quality.Outputs).Name);
    }
}
