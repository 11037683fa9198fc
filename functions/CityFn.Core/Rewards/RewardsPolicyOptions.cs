using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Numerics;

namespace CityFn.Core.Rewards;

/// <summary>The rewards policy knobs (DESIGN.md "Rewards policy"); configuration section <c>Rewards</c>.</summary>
public sealed class RewardsPolicyOptions : IValidatableObject
{
    public const string SectionName = "Rewards";

    /// <summary>Share of each epoch's pool for data contributors, in basis points; compute gets the rest.</summary>
    [Range(0, 10_000)]
    public int DataShareBasisPoints { get; set; } = 7_000;

    /// <summary>How many devices of one location cell earn (highest score first).</summary>
    [Range(1, 1_000)]
    public int MaxEarningDevicesPerCell { get; set; } = 3;

    /// <summary>Length of one epoch (numbering: <see cref="EpochClock"/>). Ingest numbers its ledger rows with it too.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan EpochLength { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Tokens paid per epoch, in base units (10^-18 token), as a decimal integer string. Default 1 000 tokens.</summary>
    [Required]
    public string EpochPool { get; set; } = "1000000000000000000000";

    /// <summary>
    /// The reporting interval a device is expected to keep: expected samples per epoch =
    /// ⌊<see cref="EpochLength"/> / this⌋ (60 per hour at the default of one minute).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ExpectedSampleInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Quality of a device that has accepted samples but no quality rows in the epoch (scoring did not
    /// run for it, for example no edge host was up): the device is not punished for the network's outage.
    /// </summary>
    [Range(0.0, 1.0)]
    public double UnscoredQuality { get; set; } = 1.0;

    /// <summary>
    /// Size of a location cell for sensors that are not traffic detectors, in degrees × 10^7 (100 000 =
    /// 0.01°, about 1.1 km north-south). Traffic detectors compete per road segment instead.
    /// </summary>
    [Range(1, 100_000_000)]
    public long LocationCellSizeE7 { get; set; } = 100_000;

    /// <summary>Relative cost of one scored row per model, as <c>model=weight</c> pairs separated by <c>;</c> (empty: all <see cref="DefaultModelCostWeight"/>).</summary>
    public string ModelCostWeights { get; set; } = "";

    /// <summary>Cost weight of a model not listed in <see cref="ModelCostWeights"/>.</summary>
    [Range(0.0, 1_000_000.0)]
    public double DefaultModelCostWeight { get; set; } = 1.0;

    /// <summary>The pool as an integer; throws when <see cref="EpochPool"/> is not one (validation catches it at start).</summary>
    public BigInteger EpochPoolAmount() =>
        BigInteger.TryParse(EpochPool, NumberStyles.None, CultureInfo.InvariantCulture, out var pool)
            ? pool
            : throw new FormatException($"Rewards:EpochPool '{EpochPool}' is not a non-negative integer amount in base units.");

    /// <summary>Expected samples of one device in one epoch.</summary>
    public long ExpectedSamplesPerEpoch() => EpochLength.Ticks / ExpectedSampleInterval.Ticks;

    /// <summary>The cost weight of <paramref name="model"/>.</summary>
    public decimal CostWeightOf(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return ParseModelCostWeights().TryGetValue(model, out var weight) ? weight : (decimal)DefaultModelCostWeight;
    }

    public IReadOnlyDictionary<string, decimal> ParseModelCostWeights()
    {
        var weights = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var pair in ModelCostWeights.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0
                || !decimal.TryParse(parts[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var weight))
            {
                throw new FormatException($"Rewards:ModelCostWeights entry '{pair}' is not model=weight (weight a non-negative decimal, e.g. traffic-forecast=1.5).");
            }

            weights[parts[0]] = weight;
        }

        return weights;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var results = new List<ValidationResult>();
        Try(() => EpochPoolAmount(), nameof(EpochPool));
        Try(() => ParseModelCostWeights(), nameof(ModelCostWeights));
        if (ExpectedSampleInterval > EpochLength)
        {
            results.Add(new ValidationResult("Rewards:ExpectedSampleInterval must not be longer than Rewards:EpochLength.", [nameof(ExpectedSampleInterval)]));
        }

        return results;

        void Try(Action parse, string member)
        {
            try
            {
                parse();
            }
            catch (FormatException exception)
            {
                results.Add(new ValidationResult(exception.Message, [member]));
            }
        }
    }
}
