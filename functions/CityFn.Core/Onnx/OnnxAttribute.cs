namespace CityFn.Core.Onnx;

/// <summary>AttributeProto: name (1), f (2), i (3), s (4), floats (7), ints (8), strings (9), type (20).</summary>
public static class OnnxAttribute
{
    public static ProtoWriter Int(string name, long value) => Build(name, 2, a => a.Int64(3, value));

    public static ProtoWriter String(string name, string value) => Build(name, 3, a => a.String(4, value));

    public static ProtoWriter Floats(string name, IEnumerable<float> values) => Build(name, 6, a => a.PackedFloat(7, values));

    public static ProtoWriter Ints(string name, IEnumerable<long> values) => Build(name, 7, a => a.PackedInt64(8, values));

    public static ProtoWriter Strings(string name, IEnumerable<string> values) => Build(name, 8, a =>
    {
        foreach (var value in values)
        {
            a.String(9, value);
        }
    });

    private static ProtoWriter Build(string name, long type, Action<ProtoWriter> write)
    {
        var attribute = new ProtoWriter();
        attribute.String(1, name);
        write(attribute);
        attribute.Int64(20, type);
        return attribute;
    }
}
