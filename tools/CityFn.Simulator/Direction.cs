namespace CityFn.Simulator;

/// <summary>Compass heading of a road segment on the grid (north = towards row 0).</summary>
public enum Direction
{
    North,
    East,
    South,
    West,
}

internal static class DirectionExtensions
{
    public static Direction[] All { get; } = [Direction.North, Direction.East, Direction.South, Direction.West];

    public static (int RowStep, int ColumnStep) Step(this Direction direction) => direction switch
    {
        Direction.North => (-1, 0),
        Direction.East => (0, 1),
        Direction.South => (1, 0),
        Direction.West => (0, -1),
        _ => throw new ArgumentOutOfRangeException(nameof(direction)),
    };

    public static Direction Opposite(this Direction direction) => (Direction)(((int)direction + 2) % 4);

    public static Direction Left(this Direction direction) => (Direction)(((int)direction + 3) % 4);

    public static Direction Right(this Direction direction) => (Direction)(((int)direction + 1) % 4);

    public static char Letter(this Direction direction) => direction.ToString()[0];
}
