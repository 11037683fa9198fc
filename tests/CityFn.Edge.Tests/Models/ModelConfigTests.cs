using CityFn.Edge.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityFn.Edge.Tests.Models;

/// <summary>config.json as an operator writes it: instance_count is read, and an impossible value is refused with its name.</summary>
public sealed class ModelConfigTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cityfn-model-config-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Instance_count_from_config_json_is_used_and_defaults_to_two()
    {
        WriteModel("counted", """{"name": "counted", "instance_count": 6}""");
        WriteModel("plain", """{"name": "plain"}""");

        using var repository = ModelRepository.Load(_root, ExecutionDevice.Cpu, 1, NullLogger.Instance);

        Assert.Equal(6, repository.Find("counted", null)!.Config.InstanceCount);
        Assert.Equal(ModelConfig.DefaultInstanceCount, repository.Find("plain", null)!.Config.InstanceCount);
        Assert.Equal(2, ModelConfig.DefaultInstanceCount);
    }

    [Fact]
    public void Zero_instances_is_refused_naming_the_setting()
    {
        WriteModel("none", """{"name": "none", "instance_count": 0}""");

        var error = Assert.Throws<InvalidDataException>(() => ModelRepository.Load(_root, ExecutionDevice.Cpu, 1, NullLogger.Instance));

        Assert.Contains("InstanceCount", error.Message, StringComparison.Ordinal);
    }

    private void WriteModel(string name, string configJson)
    {
        ModelRepository.WriteModel(_root, new TinyMlp().ToOnnx(), new ModelConfig(name));
        File.WriteAllText(Path.Combine(_root, name, ModelConfig.FileName), configJson);
    }
}
