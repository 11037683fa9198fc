using System.Text.Json;
using CityFn.Core.Network;

namespace CityFn.Simulator.Tests;

public sealed class RoadNetworkExportTests
{
    [Fact]
    public void The_map_lists_every_segment_with_its_turns_as_neighbours_and_no_u_turns()
    {
        var network = RoadNetwork.Create(new NetworkOptions(), seed: 1);

        var map = RoadNetworkExport.ToMap(network);

        Assert.Empty(map.Validate());
        Assert.Equal("UTC", map.TimeZone);
        Assert.Equal(network.Segments.Count, map.Segments.Count);
        var segment = map.Segments.Single(s => s.Id == "seg-r3c4-E");
        // Into r3c4 from the north, south and west; not the U-turn from r3c5 heading west.
        Assert.Equal(["seg-r2c4-S", "seg-r3c3-E", "seg-r4c4-N"], segment.Upstream.Order(StringComparer.Ordinal));
        // Out of r3c5 north, east and south; not back west.
        Assert.Equal(["seg-r3c5-E", "seg-r3c5-N", "seg-r3c5-S"], segment.Downstream.Order(StringComparer.Ordinal));
        Assert.True(segment.Arterial);
        Assert.Equal(2, segment.Lanes);
        Assert.Equal(60, segment.FreeFlowSpeedKmh);
        // Heading east: same latitude, longitude grows.
        Assert.Equal(segment.From.Lat, segment.To.Lat, 9);
        Assert.True(segment.To.Lon > segment.From.Lon);
        var corner = map.Segments.Single(s => s.Id == "seg-r0c0-E");
        Assert.Equal(["seg-r0c1-E", "seg-r0c1-S"], corner.Downstream.Order(StringComparer.Ordinal));
        Assert.Equal(["seg-r1c0-N"], corner.Upstream);
    }

    [Fact]
    public void The_map_survives_a_json_round_trip_unchanged()
    {
        var map = RoadNetworkExport.ToMap(RoadNetwork.Create(new NetworkOptions { Rows = 3, Columns = 4 }, seed: 5));

        var json = JsonSerializer.SerializeToUtf8Bytes(map, RoadNetworkJsonContext.Default.RoadNetworkMap);
        var read = RoadNetworkStore.Parse(json, "road-network.json");

        Assert.Equal(
            JsonSerializer.Serialize(map, RoadNetworkJsonContext.Default.RoadNetworkMap),
            JsonSerializer.Serialize(read, RoadNetworkJsonContext.Default.RoadNetworkMap));
        using var document = JsonDocument.Parse(json);
        Assert.Equal(1, document.RootElement.GetProperty("version").GetInt32());
        Assert.Equal("seg-r0c0-E", document.RootElement.GetProperty("segments")[0].GetProperty("id").GetString());
        Assert.True(document.RootElement.GetProperty("segments")[0].GetProperty("from").TryGetProperty("lat", out _));
    }
}
