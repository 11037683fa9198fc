using System.Text.Json.Serialization;

namespace CityFn.Core.Ingest;

/// <summary>
/// One accepted reading as a row of analytics/readings/…/&lt;source-id&gt;.parquet. Channels of other kinds are null.
/// Column names are the wire channel names.
/// </summary>
public sealed class ReadingRow
{
    [JsonPropertyName("device")] public string Device { get; set; } = "";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "";
    [JsonPropertyName("time")] public DateTime Time { get; set; }
    [JsonPropertyName("seq")] public long Sequence { get; set; }
    [JsonPropertyName("lat")] public double Lat { get; set; }
    [JsonPropertyName("lon")] public double Lon { get; set; }
    [JsonPropertyName("segment")] public string? Segment { get; set; }
    [JsonPropertyName("flow_veh_h")] public double? FlowVehH { get; set; }
    [JsonPropertyName("occupancy_pct")] public double? OccupancyPct { get; set; }
    [JsonPropertyName("speed_kmh")] public double? SpeedKmh { get; set; }
    [JsonPropertyName("pm25_ugm3")] public double? Pm25Ugm3 { get; set; }
    [JsonPropertyName("pm10_ugm3")] public double? Pm10Ugm3 { get; set; }
    [JsonPropertyName("no2_ugm3")] public double? No2Ugm3 { get; set; }
    [JsonPropertyName("laeq_dba")] public double? LaeqDba { get; set; }
    [JsonPropertyName("temperature_c")] public double? TemperatureC { get; set; }
    [JsonPropertyName("humidity_pct")] public double? HumidityPct { get; set; }

    /// <summary>The value of a channel by its wire name (the column name); null when absent or not this row's kind.</summary>
    public double? Channel(string name) => name switch
    {
        "flow_veh_h" => FlowVehH,
        "occupancy_pct" => OccupancyPct,
        "speed_kmh" => SpeedKmh,
        "pm25_ugm3" => Pm25Ugm3,
        "pm10_ugm3" => Pm10Ugm3,
        "no2_ugm3" => No2Ugm3,
        "laeq_dba" => LaeqDba,
        "temperature_c" => TemperatureC,
        "humidity_pct" => HumidityPct,
        _ => null,
    };

    public static IEnumerable<ReadingRow> From(DeviceMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        for (var i = 0; i < message.SampleCount; i++)
        {
            var row = new ReadingRow
            {
                Device = message.Device,
                Kind = SensorKinds.WireName(message.Kind),
                Time = message.SampleTime(i).UtcDateTime,
                Sequence = message.Sequence,
                Lat = message.Location.Lat,
                Lon = message.Location.Lon,
                Segment = message.Location.Segment,
            };
            var s = message.Samples;
            switch (message.Kind)
            {
                case SensorKind.Traffic: (row.FlowVehH, row.OccupancyPct, row.SpeedKmh) = (s[0][i], s[1][i], s[2][i]); break;
                case SensorKind.Air: (row.Pm25Ugm3, row.Pm10Ugm3, row.No2Ugm3) = (s[0][i], s[1][i], s[2][i]); break;
                case SensorKind.Noise: row.LaeqDba = s[0][i]; break;
                case SensorKind.Weather: (row.TemperatureC, row.HumidityPct) = (s[0][i], s[1][i]); break;
            }

            yield return row;
        }
    }
}
