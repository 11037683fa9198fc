using System.Text;
using System.Text.Json;
using CityFn.Core.EdgeHosts;
using CityFn.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace CityFn.Functions.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class EdgeHostsFunctionTests(AzuriteFixture azurite)
{
    private EdgeHostsFunction Function => Scoring.FunctionsTestServices.EdgeHosts(azurite.ConnectionString);

    [Fact]
    public async Task A_signed_registration_answers_200_and_the_host_is_listed()
    {
        var key = OperatorKey.Generate();
        var body = JsonSerializer.Serialize(Registration(key).Sign(key), EdgeHostsJsonContext.Default.SignedEdgeHostRegistration);

        var result = Assert.IsType<JsonResult>(await Function.Register(Request(body), CancellationToken.None));

        Assert.Equal(StatusCodes.Status200OK, result.StatusCode);
        var listed = Assert.IsType<JsonResult>(await Function.List(Request(""), CancellationToken.None));
        var hosts = Assert.IsAssignableFrom<IReadOnlyList<CityFn.Core.Scoring.EdgeHostStatus>>(listed.Value);
        Assert.Contains(hosts, h => h.Address == key.Address && h.Status == "active");
    }

    [Fact]
    public async Task A_forged_registration_answers_401_with_the_reason()
    {
        var host = OperatorKey.Generate();
        var body = JsonSerializer.Serialize(Registration(host).Sign(OperatorKey.Generate()), EdgeHostsJsonContext.Default.SignedEdgeHostRegistration);

        var result = Assert.IsType<JsonResult>(await Function.Register(Request(body), CancellationToken.None));

        Assert.Equal(StatusCodes.Status401Unauthorized, result.StatusCode);
        Assert.Equal(EdgeHostRefusals.SignerMismatch, Assert.IsType<EdgeHostRegistrationResult>(result.Value).Reason);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    public async Task A_body_that_is_not_a_signed_registration_answers_400(string body)
    {
        var result = Assert.IsType<JsonResult>(await Function.Register(Request(body), CancellationToken.None));

        Assert.Equal(StatusCodes.Status400BadRequest, result.StatusCode);
        Assert.Equal(EdgeHostRefusals.Invalid, Assert.IsType<EdgeHostRegistrationResult>(result.Value).Reason);
    }

    private static EdgeHostRegistration Registration(OperatorKey key) =>
        new(key.Address, "http://127.0.0.1:8001", ["mlp"], 256, DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    private static HttpRequest Request(string body)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return context.Request;
    }
}
