namespace CityFn.Contracts.Tests;

/// <summary>
/// A measurement too slow for every test run (for example building a 100k-leaf reference tree in
/// node takes ~30 s). It runs when CITYFN_MEASURE=1 and is reported as skipped otherwise.
/// </summary>
public sealed class MeasurementFactAttribute : FactAttribute
{
    public const string Variable = "CITYFN_MEASURE";

    public MeasurementFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
        {
            Skip = $"measurement: set {Variable}=1 to run it";
        }
    }
}
