using System.Text.Json.Serialization;
using CityFn.Core.Scoring.Hosts;
using CityFn.Core.Scoring.Outputs;
using CityFn.Core.Scoring.Verification;

namespace CityFn.Core.Scoring;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ScoringAlert))]
[JsonSerializable(typeof(MismatchEvidence))]
[JsonSerializable(typeof(SegmentForecast))]
[JsonSerializable(typeof(DeviceQuality))]
[JsonSerializable(typeof(ScoreSummary))]
[JsonSerializable(typeof(DeviceDetails))]
[JsonSerializable(typeof(EdgeHostStatus))]
[JsonSerializable(typeof(IReadOnlyList<EdgeHostStatus>))]
[JsonSerializable(typeof(HostQuarantineEntry))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(string))]
public sealed partial class ScoringJsonContext : JsonSerializerContext;
