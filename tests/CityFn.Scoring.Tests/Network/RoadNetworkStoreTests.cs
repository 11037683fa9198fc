using System.Text;
using Azure.Storage.Blobs;
using CityFn.Core.Network;
using CityFn.TestSupport;

namespace CityFn.Scoring.Tests.Network;

[Collection(AzuriteCollection.Name)]
public sealed class RoadNetworkStoreTests(AzuriteFixture azurite)
{
    private static readonly GeoPoint A = new(52.38, 4.86);
    private static readonly GeoPoint B = new(52.38, 4.865);

    [Fact]
    public async Task A_saved_map_loads_back_with_its_segments_and_time_zone()
    {
        var store = new RoadNetworkStore(new BlobServiceClient(azurite.ConnectionString));
        var map = new RoadNetworkMap(1, "Europe/Amsterdam",
        [
            new MapSegment("a", A, B, 2, true, 60, [], ["b"]),
            new MapSegment("b", B, A, 1, false, 40, ["a"], []),
        ]);

        await store.SaveAsync(map);
        var loaded = await store.LoadAsync();

        Assert.NotNull(loaded);
        Assert.Equal("Europe/Amsterdam", loaded.TimeZone);
        Assert.Equal(["a", "b"], loaded.Segments.Select(s => s.Id));
        Assert.Equal(["a"], loaded.Segments[1].Upstream);
        Assert.Equal(40, loaded.Segments[1].FreeFlowSpeedKmh);
    }

    [Fact]
    public void A_broken_map_is_refused_with_every_problem_named()
    {
        var json = """
            {"version":1,"timeZone":"Mars/Olympus","segments":[
              {"id":"a","from":{"lat":52.38,"lon":4.86},"to":{"lat":95,"lon":4.86},"lanes":0,"arterial":true,"freeFlowSpeedKmh":50,"upstream":["zz"],"downstream":[]},
              {"id":"a","from":{"lat":52.38,"lon":4.86},"to":{"lat":52.38,"lon":4.87},"lanes":1,"arterial":false,"freeFlowSpeedKmh":-1,"upstream":[],"downstream":["a"]}
            ]}
            """;

        var exception = Assert.Throws<InvalidRoadNetworkException>(() => RoadNetworkStore.Parse(Encoding.UTF8.GetBytes(json), "city.json"));

        Assert.StartsWith("city.json is not a usable road network map", exception.Message, StringComparison.Ordinal);
        Assert.Contains(exception.Problems, p => p.Contains("timeZone \"Mars/Olympus\"", StringComparison.Ordinal));
        Assert.Contains(exception.Problems, p => p.Contains("id \"a\" appears more than once", StringComparison.Ordinal));
        Assert.Contains(exception.Problems, p => p.Contains("to must have lat in [-90, 90]", StringComparison.Ordinal));
        Assert.Contains(exception.Problems, p => p.Contains("lanes must be at least 1", StringComparison.Ordinal));
        Assert.Contains(exception.Problems, p => p.Contains("upstream names unknown segment \"zz\"", StringComparison.Ordinal));
        Assert.Contains(exception.Problems, p => p.Contains("freeFlowSpeedKmh must be in (0, 200]", StringComparison.Ordinal));
        Assert.Contains(exception.Problems, p => p.Contains("downstream names the segment itself", StringComparison.Ordinal));
    }

    [Fact]
    public void Text_that_is_not_a_map_is_refused_clearly()
    {
        var exception = Assert.Throws<InvalidRoadNetworkException>(() => RoadNetworkStore.Parse("[1,2"u8, "x.json"));

        Assert.Contains("not valid JSON of a road network map", exception.Message, StringComparison.Ordinal);
    }
}
