using System.Text.Json.Serialization;

namespace CityFn.Core.Network;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(RoadNetworkMap))]
public sealed partial class RoadNetworkJsonContext : JsonSerializerContext;
