using System.Globalization;
using CityFn.Core.Devices;
using CityFn.Core.Ingest;

namespace CityFn.Core.Rewards.Ledger;

/// <summary>
/// The location cell a device competes in (at most N devices per cell earn). Devices of different kinds
/// never compete: a traffic detector's cell is its road segment (<c>traffic:{segment}</c>); any other
/// sensor's is a square of the lat/lon grid (<c>{kind}:{⌊latE7 / size⌋}:{⌊lonE7 / size⌋}</c>).
/// </summary>
public static class LocationCell
{
    public static string Of(DeviceRegistration registration, long cellSizeE7)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cellSizeE7);
        var kind = SensorKinds.WireName(registration.Kind);
        if (registration.Kind == SensorKind.Traffic && !string.IsNullOrEmpty(registration.Location.Segment))
        {
            return $"{kind}:{registration.Location.Segment}";
        }

        var latE7 = (long)Math.Round(registration.Location.Lat * 1e7);
        var lonE7 = (long)Math.Round(registration.Location.Lon * 1e7);
        return string.Create(CultureInfo.InvariantCulture,
            $"{kind}:{Math.DivRem(latE7, cellSizeE7).Quotient - (latE7 < 0 && latE7 % cellSizeE7 != 0 ? 1 : 0)}:{Math.DivRem(lonE7, cellSizeE7).Quotient - (lonE7 < 0 && lonE7 % cellSizeE7 != 0 ? 1 : 0)}");
    }
}
