namespace CityFn.Simulator;

/// <summary>
/// A simple weather process, one state per minute: a diurnal temperature cycle (minimum near 03:00, maximum
/// near 15:00) around a slowly wandering daily mean, relative humidity anticorrelated with the diurnal
/// temperature, a log-normal wind that is stronger in the afternoon, a boundary layer that traps pollutants at
/// night, and slowly varying regional background pollution. Slow anomalies are AR(1) processes per minute.
/// Numbers are a temperate late-autumn city (mean 7 °C, 7 K daily range, humid).
/// </summary>
public sealed class WeatherModel(DateTimeOffset start, int seed)
{
    private const double MeanTemperatureC = 7;
    private const double DiurnalAmplitudeC = 3.5;

    private readonly Random _random = new(seed);
    private readonly Ar1 _temperatureAnomaly = new(1440, 2.0);
    private readonly Ar1 _humidityAnomaly = new(240, 5.0);
    private readonly Ar1 _logWind = new(360, 0.45);
    private readonly Ar1 _logBackground = new(720, 0.35);
    private DateTimeOffset _next = start;

    /// <summary>The weather of the next minute.</summary>
    public WeatherState StepMinute()
    {
        var time = _next;
        _next = time.AddMinutes(1);
        var hour = time.TimeOfDay.TotalHours;
        var temperatureAnomaly = _temperatureAnomaly.Next(_random);
        var diurnal = Math.Cos(2 * Math.PI * (hour - 15) / 24);
        var temperature = MeanTemperatureC + temperatureAnomaly + (DiurnalAmplitudeC * diurnal);
        // Same air mass, warmer afternoon: relative humidity falls as the day warms.
        var humidity = Math.Clamp(82 - (10 * diurnal) + _humidityAnomaly.Next(_random), 30, 100);
        var wind = Math.Max(0.2, 3.5 * Math.Exp(_logWind.Next(_random)) * (1 + (0.3 * Math.Cos(2 * Math.PI * (hour - 14) / 24))));
        // A stable night-time boundary layer keeps emissions near the ground; daytime mixing dilutes them.
        var mixing = 1 + (0.4 * Math.Cos(2 * Math.PI * (hour - 3) / 24));
        var dispersion = mixing * 3 / (wind + 1);
        var regional = Math.Exp(_logBackground.Next(_random));
        var pm25 = 9 * regional * Math.Sqrt(dispersion) * (1 + (0.01 * Math.Max(0, humidity - 70)));
        var cityTraffic = DemandProfile.Multiplier(time);
        var no2 = (12 * regional * Math.Sqrt(dispersion)) + (10 * cityTraffic);
        var noise = 38 + (10 * Math.Sqrt(cityTraffic));
        return new WeatherState(time, temperature, humidity, wind, dispersion, pm25, (1.5 * pm25) + 5, no2, noise);
    }

    /// <summary>x' = a·x + sqrt(1 − a²)·σ·ε with a = exp(−1/τ minutes): stationary standard deviation σ.</summary>
    private sealed class Ar1(double timeConstantMinutes, double sigma)
    {
        private readonly double _a = Math.Exp(-1 / timeConstantMinutes);
        private double _value = double.NaN;

        public double Next(Random random)
        {
            _value = double.IsNaN(_value)
                ? sigma * random.NextGaussian()
                : (_a * _value) + (Math.Sqrt(1 - (_a * _a)) * sigma * random.NextGaussian());
            return _value;
        }
    }
}
