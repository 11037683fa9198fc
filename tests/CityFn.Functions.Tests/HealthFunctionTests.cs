using System.Text.Json;
using CityFn.Core.Health;
using CityFn.Core.Storage;
using CityFn.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace CityFn.Functions.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class HealthFunctionTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Answers_200_with_the_version_and_each_reachable_service()
    {
        var function = new HealthFunction(ProbeFor(azurite.ConnectionString));

        var result = Assert.IsType<JsonResult>(await function.Run(new DefaultHttpContext().Request, CancellationToken.None));

        Assert.Equal(StatusCodes.Status200OK, result.StatusCode);
        var body = Serialize(result);
        Assert.True(body.GetProperty("healthy").GetBoolean());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("version").GetString()));
        Assert.Equal(3, body.GetProperty("storage").EnumerateArray().Count(s => s.GetProperty("reachable").GetBoolean()));
    }

    [Fact]
    public async Task Answers_503_naming_the_unreachable_services_when_storage_is_down()
    {
        var function = new HealthFunction(ProbeFor(ClosedPort.AzuriteEndpoints().ConnectionString));

        var result = Assert.IsType<JsonResult>(await function.Run(new DefaultHttpContext().Request, CancellationToken.None));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, result.StatusCode);
        var body = Serialize(result);
        Assert.False(body.GetProperty("healthy").GetBoolean());
        Assert.All(body.GetProperty("storage").EnumerateArray(), s =>
        {
            Assert.False(s.GetProperty("reachable").GetBoolean());
            Assert.False(string.IsNullOrEmpty(s.GetProperty("error").GetString()));
        });
    }

    private static StorageHealthProbe ProbeFor(string connectionString) =>
        StorageHealthProbe.Create(StorageConnection.FromConnectionString(connectionString), TimeProvider.System);

    /// <summary>Serializes the result the way the worker will, with the options the function chose.</summary>
    private static JsonElement Serialize(JsonResult result)
    {
        var options = Assert.IsType<JsonSerializerOptions>(result.SerializerSettings);
        return JsonSerializer.SerializeToElement(result.Value, result.Value!.GetType(), options);
    }
}
