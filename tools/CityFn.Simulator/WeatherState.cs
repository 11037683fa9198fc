namespace CityFn.Simulator;

/// <summary>
/// City-wide weather and background air in one minute. <see cref="Dispersion"/> (≈1 with a 2 m/s wind at
/// midday; higher when calm or at night under a stable boundary layer) scales how much of the local traffic
/// emission stays in the air. Backgrounds are what the city breathes away from any road.
/// </summary>
public sealed record WeatherState(
    DateTimeOffset MinuteStart,
    double TemperatureC,
    double HumidityPct,
    double WindMs,
    double Dispersion,
    double BackgroundPm25,
    double BackgroundPm10,
    double BackgroundNo2,
    double BackgroundNoiseDba);
