namespace CityFn.Simulator;

/// <summary>
/// Daganzo's cell transmission model on a <see cref="RoadNetwork"/>. Each segment is cut into cells at least
/// one free-flow step long (CFL condition), vehicles move as a fluid by sending/receiving flows, and queues
/// spill back through intersections. Boundary intersections have sources (scaled by
/// <see cref="DemandProfile"/>) and sinks (turns that leave the grid). Same network, seed and start give
/// identical output.
/// </summary>
public sealed class TrafficModel
{
    private const double ArterialTurnWeight = 3;

    /// <summary>Room at a street's entry (share of its capacity it can still take in) below which drivers start to avoid turning into it.</summary>
    /// <summary>
    /// Room at a street's entry (the share of its capacity it can still take in this step) below which drivers
    /// start to avoid turning into it; at no room, nobody turns there while another exit has room.
    /// </summary>
    public const double DiversionRoom = 0.2;

    /// <summary>
    /// The most that can leave the modelled roads from a queue held at a junction, as a share of the approach's
    /// capacity (drivers turning into car parks, driveways and service lanes, or ending their trip early).
    /// </summary>
    public const double GiveUpShare = 0.05;

    private readonly RoadNetwork _network;
    private readonly double _stepSeconds;
    private readonly double _demandScale;
    private readonly double[][] _vehicles;
    private readonly double[] _cellLengthKm;
    private readonly double[] _capacityFactor;
    private readonly List<NodeInput>[,] _nodeInputs;
    private readonly double[] _detectorCount;
    private readonly double[] _detectorDensitySum;

    // Per-step work arrays, allocated once: the model steps 12 times per simulated minute.
    private readonly double[][] _sending;
    private readonly double[][] _receiving;
    private readonly double[][] _outflow;
    private readonly double[][] _inflow;
    private readonly double[] _requested;
    private readonly double[] _entryCapacity;
    private double[] _offered = new double[8];
    private int _stepsThisMinute;

    /// <param name="network">The roads to simulate.</param>
    /// <param name="start">Simulated time of the first minute (its offset is the city's local time).</param>
    /// <param name="seed">Draws turning proportions and source rates.</param>
    /// <param name="stepSeconds">Internal time step; every cell must be at least one free-flow step long.</param>
    /// <param name="demandScale">Multiplies every source rate (0 gives an empty network).</param>
    public TrafficModel(RoadNetwork network, DateTimeOffset start, int seed, double stepSeconds = 5, double demandScale = 1)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (stepSeconds <= 0 || 60 % stepSeconds != 0)
        {
            throw new ArgumentException($"The time step must divide a minute, got {stepSeconds} s.", nameof(stepSeconds));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(demandScale);
        _network = network;
        _stepSeconds = stepSeconds;
        _demandScale = demandScale;
        Now = start;
        var segments = network.Segments;
        _vehicles = new double[segments.Count][];
        _cellLengthKm = new double[segments.Count];
        _capacityFactor = new double[segments.Count];
        _detectorCount = new double[segments.Count];
        _detectorDensitySum = new double[segments.Count];
        foreach (var segment in segments)
        {
            var freeFlowStepKm = segment.FreeFlowSpeedKmh * stepSeconds / 3600;
            var cells = (int)Math.Floor(segment.LengthKm / freeFlowStepKm);
            if (cells < 1)
            {
                throw new ArgumentException(
                    $"Segment {segment.Id} ({segment.LengthKm * 1000:F0} m) is shorter than one free-flow step of {stepSeconds} s; use a smaller step.",
                    nameof(stepSeconds));
            }

            _vehicles[segment.Index] = new double[cells];
            _cellLengthKm[segment.Index] = segment.LengthKm / cells;
            _capacityFactor[segment.Index] = 1;
        }

        _nodeInputs = BuildNodes(network, new Random(seed));
        _sending = _vehicles.Select(cells => new double[cells.Length]).ToArray();
        _receiving = _vehicles.Select(cells => new double[cells.Length]).ToArray();
        _outflow = _vehicles.Select(cells => new double[cells.Length]).ToArray();
        _inflow = _vehicles.Select(cells => new double[cells.Length]).ToArray();
        _requested = new double[segments.Count];
        _entryCapacity = [.. segments.Select(s => s.CapacityVehPerHour * stepSeconds / 3600)];
    }

    public DateTimeOffset Now { get; private set; }

    public double VehiclesEntered { get; private set; }

    public double VehiclesExited { get; private set; }

    /// <summary>Of <see cref="VehiclesExited"/>, those that left the modelled roads from a queue at a blocked junction.</summary>
    public double VehiclesLeftJams { get; private set; }

    public double VehiclesOnNetwork => _vehicles.Sum(cells => cells.Sum());

    /// <summary>
    /// An incident or lane closure at the downstream end of a segment: its outflow capacity becomes
    /// <paramref name="remainingCapacityFraction"/> of normal (0 blocks it completely) until cleared.
    /// </summary>
    public void ApplyIncident(string segmentId, double remainingCapacityFraction)
    {
        if (remainingCapacityFraction is < 0 or > 1 || double.IsNaN(remainingCapacityFraction))
        {
            throw new ArgumentOutOfRangeException(
                nameof(remainingCapacityFraction), remainingCapacityFraction, "The remaining capacity must be between 0 and 1.");
        }

        _capacityFactor[_network.Segment(segmentId).Index] = remainingCapacityFraction;
    }

    public void ClearIncident(string segmentId) => _capacityFactor[_network.Segment(segmentId).Index] = 1;

    /// <summary>Advances one minute and returns each detector's aggregate for it.</summary>
    public MinuteReport StepMinute()
    {
        var minuteStart = Now;
        Array.Clear(_detectorCount);
        Array.Clear(_detectorDensitySum);
        _stepsThisMinute = 0;
        var steps = (int)(60 / _stepSeconds);
        for (var i = 0; i < steps; i++)
        {
            Step(minuteStart.AddSeconds(i * _stepSeconds));
        }

        Now = minuteStart.AddMinutes(1);
        var readings = new DetectorReading[_network.Segments.Count];
        foreach (var segment in _network.Segments)
        {
            var flow = _detectorCount[segment.Index] * 60;
            var density = _detectorDensitySum[segment.Index] / _stepsThisMinute;
            // Space-mean speed from q = k·v; an empty road reads free-flow speed.
            var speed = density > 1e-9 ? Math.Min(segment.FreeFlowSpeedKmh, flow / density) : segment.FreeFlowSpeedKmh;
            readings[segment.Index] = new DetectorReading(
                segment.DetectorId, segment.Id, minuteStart, flow, density / segment.JamDensityVehPerKm, speed);
        }

        return new MinuteReport(minuteStart, readings, VehiclesEntered, VehiclesExited, VehiclesOnNetwork);
    }

    private void Step(DateTimeOffset time)
    {
        var segments = _network.Segments;
        var sending = _sending;
        var receiving = _receiving;
        foreach (var segment in segments)
        {
            var cells = _vehicles[segment.Index];
            var cellKm = _cellLengthKm[segment.Index];
            var maxFlow = segment.CapacityVehPerHour * _stepSeconds / 3600;
            var maxVehicles = segment.JamDensityVehPerKm * cellKm;
            var freeFlowShare = segment.FreeFlowSpeedKmh * _stepSeconds / 3600 / cellKm;
            var waveShare = segment.BackwardWaveSpeedKmh * _stepSeconds / 3600 / cellKm;
            var send = sending[segment.Index];
            var receive = receiving[segment.Index];
            for (var c = 0; c < cells.Length; c++)
            {
                send[c] = Math.Min(freeFlowShare * cells[c], maxFlow);
                receive[c] = Math.Max(0, Math.Min(maxFlow, waveShare * (maxVehicles - cells[c])));
            }

            // The incident bottleneck sits at the downstream end of the segment.
            send[^1] = Math.Min(send[^1], maxFlow * _capacityFactor[segment.Index]);
        }

        var outflow = _outflow;
        var inflow = _inflow;
        foreach (var segment in segments)
        {
            var n = _vehicles[segment.Index].Length;
            Array.Clear(outflow[segment.Index]);
            Array.Clear(inflow[segment.Index]);
            for (var c = 0; c < n - 1; c++)
            {
                var y = Math.Min(sending[segment.Index][c], receiving[segment.Index][c + 1]);
                outflow[segment.Index][c] = y;
                inflow[segment.Index][c + 1] = y;
            }
        }

        var demand = DemandProfile.Multiplier(time) * _demandScale;
        foreach (var inputs in _nodeInputs)
        {
            ResolveNode(inputs, demand, sending, receiving, outflow, inflow);
        }

        foreach (var segment in segments)
        {
            var cells = _vehicles[segment.Index];
            // The detector sees the density that produced this step's flow, so free flow reads exactly v = q / k.
            var detectorCell = cells.Length / 2;
            _detectorCount[segment.Index] += outflow[segment.Index][detectorCell];
            _detectorDensitySum[segment.Index] += cells[detectorCell] / _cellLengthKm[segment.Index];
            for (var c = 0; c < cells.Length; c++)
            {
                cells[c] = Math.Max(0, cells[c] + inflow[segment.Index][c] - outflow[segment.Index][c]);
            }
        }

        _stepsThisMinute++;
    }

    /// <summary>
    /// Merges and diverges at one intersection. Each outgoing segment admits at most its receiving flow; when
    /// over-demanded, every input heading there is scaled down, and an input moves only as fast as its most
    /// constrained turn allows (first-in-first-out: a blocked turn holds the vehicles behind it).
    /// </summary>
    private void ResolveNode(
        List<NodeInput> inputs, double demand, double[][] sending, double[][] receiving, double[][] outflow, double[][] inflow)
    {
        if (_offered.Length < inputs.Count)
        {
            _offered = new double[inputs.Count];
        }

        var offered = _offered;
        var requested = _requested;
        foreach (var input in inputs)
        {
            Divert(input, receiving);
            foreach (var (target, _) in input.Turns)
            {
                if (target >= 0)
                {
                    requested[target] = 0;
                }
            }
        }

        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            if (input.Segment >= 0)
            {
                offered[i] = sending[input.Segment][^1];
            }
            else
            {
                input.Queue += input.BaseRateVehPerHour * demand * _stepSeconds / 3600;
                offered[i] = input.Queue;
            }

            var shares = input.Shares;
            for (var t = 0; t < shares.Length; t++)
            {
                var target = input.Turns[t].Target;
                if (target >= 0)
                {
                    requested[target] += offered[i] * shares[t];
                }
            }
        }

        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            var shares = input.Shares;
            var admitted = 1.0;
            for (var t = 0; t < shares.Length; t++)
            {
                var target = input.Turns[t].Target;
                if (target >= 0 && shares[t] > 0 && requested[target] > receiving[target][0])
                {
                    admitted = Math.Min(admitted, receiving[target][0] / requested[target]);
                }
            }

            var moved = offered[i] * admitted;
            if (input.Segment >= 0)
            {
                // Drivers held at a junction whose exits are full give up on the modelled roads (car parks,
                // driveways, service lanes, trips ended early): up to GiveUpShare of the approach's capacity when it
                // is blocked outright, proportionally less when it is only slowed, nothing when it flows.
                var leaving = Math.Min(offered[i] - moved, GiveUpShare * _entryCapacity[input.Segment] * (1 - admitted));
                outflow[input.Segment][^1] += moved + leaving;
                VehiclesExited += leaving;
                VehiclesLeftJams += leaving;
            }
            else
            {
                input.Queue -= moved;
                VehiclesEntered += moved;
            }

            for (var t = 0; t < shares.Length; t++)
            {
                var target = input.Turns[t].Target;
                if (target >= 0)
                {
                    inflow[target][0] += moved * shares[t];
                }
                else
                {
                    VehiclesExited += moved * shares[t];
                }
            }
        }
    }

    /// <summary>
    /// Drivers avoid a turn into a street whose queue reaches back to the intersection: a turn's share is scaled by
    /// the room left at the target's entry (its receiving flow over capacity) once that falls below
    /// <see cref="DiversionRoom"/>, and the input's shares are renormalised, so the vehicles that would have waited
    /// for it take another exit (in a grid, another way round). Turns into free streets keep their fixed shares.
    /// When every exit is full the input keeps its fixed shares and is blocked, as before.
    /// </summary>
    private void Divert(NodeInput input, double[][] receiving)
    {
        var turns = input.Turns;
        var shares = input.Shares;
        var total = 0.0;
        for (var t = 0; t < turns.Length; t++)
        {
            var (target, share) = turns[t];
            var room = target >= 0 ? receiving[target][0] / _entryCapacity[target] : 1;
            shares[t] = share * Math.Min(1, room / DiversionRoom);
            total += shares[t];
        }

        for (var t = 0; t < turns.Length; t++)
        {
            shares[t] = total > 0 ? shares[t] / total : turns[t].Share;
        }
    }

    private static List<NodeInput>[,] BuildNodes(RoadNetwork network, Random random)
    {
        var nodes = new List<NodeInput>[network.Rows, network.Columns];
        for (var row = 0; row < network.Rows; row++)
        {
            for (var column = 0; column < network.Columns; column++)
            {
                nodes[row, column] = [];
            }
        }

        foreach (var segment in network.Segments)
        {
            // Straight ahead is most likely; the rest splits between left and right. A turn off the grid exits.
            var straight = 0.5 + (0.3 * random.NextDouble());
            var left = (1 - straight) * (0.3 + (0.4 * random.NextDouble()));
            var heading = segment.Heading;
            int Target(Direction d) => network.Outgoing(segment.ToRow, segment.ToColumn, d)?.Index ?? -1;
            (int Target, double Share)[] turns =
                [(Target(heading), straight), (Target(heading.Left()), left), (Target(heading.Right()), 1 - straight - left)];
            // Drivers prefer arterials: a turn onto one weighs ArterialTurnWeight times as much, so arterials carry
            // the bulk of the traffic as in a real grid instead of it spreading evenly over every street.
            var weighted = turns.Select(t => (t.Target, Share: t.Share * (t.Target >= 0 && network.Segments[t.Target].IsArterial ? ArterialTurnWeight : 1))).ToArray();
            var total = weighted.Sum(t => t.Share);
            nodes[segment.ToRow, segment.ToColumn].Add(new NodeInput(segment.Index, 0, [.. weighted.Select(t => (t.Target, t.Share / total))]));
        }

        for (var row = 0; row < network.Rows; row++)
        {
            for (var column = 0; column < network.Columns; column++)
            {
                foreach (var heading in DirectionExtensions.All)
                {
                    // A source sits wherever a road would come in from outside the grid.
                    if (network.Outgoing(row, column, heading.Opposite()) is not null
                        || network.Outgoing(row, column, heading) is not { } entry)
                    {
                        continue;
                    }

                    var rate = entry.CapacityVehPerHour * (0.16 + (0.16 * random.NextDouble()));
                    nodes[row, column].Add(new NodeInput(-1, rate, [(entry.Index, 1.0)]));
                }
            }
        }

        return nodes;
    }

    /// <summary>Something feeding an intersection: a segment's last cell, or (Segment = -1) a boundary source with its waiting queue.</summary>
    private sealed class NodeInput(int segment, double baseRateVehPerHour, (int Target, double Share)[] turns)
    {
        public int Segment { get; } = segment;

        public double BaseRateVehPerHour { get; } = baseRateVehPerHour;

        public (int Target, double Share)[] Turns { get; } = turns;

        /// <summary>This step's shares after diversion (same order as <see cref="Turns"/>), reused every step.</summary>
        public double[] Shares { get; } = new double[turns.Length];

        public double Queue { get; set; }
    }
}
