using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using CityFn.Core.Ethereum;
using CityFn.Core.Ingest;
using CityFn.Core.Ingest.Capture;

namespace CityFn.Cli.Tests.Simulate;

public sealed class SimulateCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cityfn-simulate-").FullName;

    [Fact]
    public async Task The_same_seed_writes_identical_files_and_another_seed_different_ones()
    {
        var first = await SimulateAsync("a", seed: 5);
        var again = await SimulateAsync("b", seed: 5);
        var other = await SimulateAsync("c", seed: 6);

        var firstFiles = Files(first);
        Assert.NotEmpty(firstFiles);
        Assert.Contains(firstFiles.Keys, f => f.StartsWith("capture/cityfn/traffic/", StringComparison.Ordinal));
        Assert.Contains(firstFiles.Keys, f => f.StartsWith("capture/cityfn/sensors/", StringComparison.Ordinal));
        Assert.Equal(firstFiles.Keys, Files(again).Keys);
        foreach (var (name, bytes) in firstFiles)
        {
            Assert.True(bytes.SequenceEqual(Files(again)[name]), $"{name} differs between two runs with the same seed");
        }

        var otherFiles = Files(other);
        Assert.False(firstFiles["registry.json"].SequenceEqual(otherFiles["registry.json"]));
        Assert.False(firstFiles["truth.jsonl"].SequenceEqual(otherFiles["truth.jsonl"]));
    }

    [Fact]
    public async Task Every_message_is_signed_by_its_registered_device_and_replays_resend_an_earlier_message_unchanged()
    {
        var folder = await SimulateAsync("signed", seed: 1, devices: 20, minutes: 10, faultRate: 0.5);
        using var registry = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "registry.json")));
        var registered = registry.RootElement.GetProperty("devices").EnumerateArray()
            .ToDictionary(d => d.GetProperty("registration").GetProperty("device").GetString()!, d => d.GetProperty("registration").GetProperty("kind").GetString()!);
        var truth = File.ReadAllLines(Path.Combine(folder, "truth.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();

        var seen = new Dictionary<(string Device, long Seq), byte[]>();
        var replays = 0;
        var events = new List<(string Path, CaptureEvent Event)>();
        foreach (var path in Directory.EnumerateFiles(Path.Combine(folder, "capture"), "*.avro", SearchOption.AllDirectories))
        {
            await using var stream = File.OpenRead(path);
            await foreach (var captureEvent in CaptureFileReader.ReadAsync(stream))
            {
                events.Add((path, captureEvent));
            }
        }

        foreach (var (path, captureEvent) in events.OrderBy(e => e.Event.EnqueuedTime))
        {
            var message = DeviceMessageJson.Parse(captureEvent.Body).Message!;
            Assert.True(MessageSignature.TryRecoverSigner(captureEvent.Body, Convert.FromHexString(captureEvent.Signature![2..]), out var signer));
            Assert.Equal(message.Device, signer);
            Assert.Equal(registered[message.Device], SensorKinds.WireName(message.Kind));
            Assert.Equal(message.Kind == SensorKind.Traffic ? "traffic" : "sensors", path.Split(Path.DirectorySeparatorChar)[^8]);
            Assert.True(captureEvent.EnqueuedTime >= message.WindowEnd, "a message is sent after its minute");
            if (seen.TryGetValue((message.Device, message.Sequence), out var earlier))
            {
                replays++;
                Assert.Equal(earlier, captureEvent.Body);
                Assert.Contains(truth, t => t.GetProperty("device").GetString() == message.Device && t.GetProperty("fault").GetString() == "replayed"
                    && t.GetProperty("seq").GetInt64() == message.Sequence);
            }
            else
            {
                seen[(message.Device, message.Sequence)] = captureEvent.Body!;
            }
        }

        Assert.True(replays > 0, "seed 1 has replays in its first 10 minutes");
        Assert.Equal(truth.Count(t => t.GetProperty("fault").GetString() == "replayed"), replays);
        Assert.Equal(20 * 10 - truth.Count(t => t.GetProperty("fault").GetString() == "dropout") - replays, seen.Count);
    }

    [Fact]
    public async Task Device_keys_follow_the_documented_derivation()
    {
        var folder = await SimulateAsync("keys", seed: 42, devices: 3, minutes: 1);
        using var registry = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "registry.json")));
        var devices = registry.RootElement.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("registration")).ToList();

        // secret = 1 + (keccak256(UTF-8 "cityfn-sim:{role}:{seed}:{index}") mod (n − 1)), as docs/simulator.md says.
        static string Address(string role, int index)
        {
            var n = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var hash = Keccak256.Hash(Encoding.UTF8.GetBytes($"cityfn-sim:{role}:42:{index}"));
            var secret = (BigInteger.One + (new BigInteger(hash, isUnsigned: true, isBigEndian: true) % (n - 1))).ToByteArray(isUnsigned: true, isBigEndian: true);
            return DeviceKey.FromBytes(new byte[32 - secret.Length].Concat(secret).ToArray()).Address;
        }

        Assert.Equal(Address("device", 0), devices[0].GetProperty("device").GetString());
        Assert.Equal(Address("device", 2), devices[2].GetProperty("device").GetString());
        Assert.Equal(Address("owner", 0), devices[0].GetProperty("owner").GetString());
    }

    [Theory]
    [InlineData("--minutes|5", "--out DIR is required")]
    [InlineData("--out|{dir}|--start|2026-11-25 07:00", "--start must be an ISO-8601 time")]
    [InlineData("--out|{dir}|--start|2026-11-25T07:00:30Z", "whole minute")]
    [InlineData("--out|{dir}|--grid|10by10", "--grid must be ROWSxCOLUMNS")]
    [InlineData("--out|{dir}|--fault-rate|1.5", "FaultRate must be in [0, 1)")]
    [InlineData("--out|{dir}|--devices|0", "Devices must be at least 1")]
    [InlineData("--out|{dir}|--notify|localhost:7071", "--notify must be an http(s) URL")]
    public async Task Bad_arguments_are_user_errors_that_say_what_is_wrong(string arguments, string expected)
    {
        var args = arguments.Replace("{dir}", Path.Combine(_directory, "bad"), StringComparison.Ordinal).Split('|');

        var (exitCode, output) = await CliRun.InvokeAsync(["simulate", .. args]);

        Assert.Equal(2, exitCode);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_directory, "bad", "capture")));
    }

    [Fact]
    public async Task A_second_run_into_the_same_folder_is_refused_instead_of_mixing_files()
    {
        var folder = await SimulateAsync("twice", seed: 3, devices: 4, minutes: 2);

        var (exitCode, output) = await CliRun.InvokeAsync("simulate", "--out", folder, "--devices", "4", "--minutes", "2");

        Assert.Equal(2, exitCode);
        Assert.Contains("already has files", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_json_it_reports_progress_and_a_summary_with_the_next_commands()
    {
        var folder = Path.Combine(_directory, "table");
        var (exitCode, output) = await CliRun.InvokeAsync("simulate", "--out", folder, "--devices", "6", "--minutes", "3", "--grid", "4x4");

        Assert.Equal(0, exitCode);
        Assert.Contains("simulated 3/3 minutes (100 %)", output, StringComparison.Ordinal);
        Assert.Contains("messages sent", output, StringComparison.Ordinal);
        Assert.Contains("cityfn register --file", output, StringComparison.Ordinal);
    }

    private async Task<string> SimulateAsync(string name, int seed, int devices = 12, int minutes = 4, double faultRate = 0.3)
    {
        var folder = Path.Combine(_directory, name);
        var (exitCode, output) = await CliRun.InvokeAsync(
            "simulate", "--out", folder, "--seed", seed.ToString(CultureInfo.InvariantCulture), "--devices", devices.ToString(CultureInfo.InvariantCulture),
            "--minutes", minutes.ToString(CultureInfo.InvariantCulture), "--fault-rate", faultRate.ToString(CultureInfo.InvariantCulture), "--partitions", "2", "--json");
        Assert.True(exitCode == 0, output);
        return folder;
    }

    private static Dictionary<string, byte[]> Files(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/'), File.ReadAllBytes, StringComparer.Ordinal);

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
