using System.Text.Json;
using CityFn.Core.Ethereum;
using CityFn.Core.Merkle;

namespace CityFn.Cli.Tests.Rewards;

public sealed class RewardsCommandsTests : IDisposable
{
    private const string Alice = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
    private const string Bob = "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359";
    private const string Carol = "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB";

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("cityfn-rewards-cli-");

    [Fact]
    public async Task Tree_writes_a_dump_with_the_root_it_prints_and_proof_prints_a_verifying_proof()
    {
        var values = Write("values.json", $"""[["{Alice}", "1000000000000000000"], ["{Bob}", 250], ["{Carol}", "0"]]""");
        var treePath = Path.Combine(_directory.FullName, "tree.json");

        var (treeExit, treeOutput) = await CliRun.InvokeAsync("rewards", "tree", "--values", values, "--out", treePath);
        var tree = StandardMerkleTree.Load(await File.ReadAllTextAsync(treePath));
        var (proofExit, proofOutput) = await CliRun.InvokeAsync("rewards", "proof", "--tree", treePath, "--address", Bob);

        Assert.Equal(0, treeExit);
        Assert.Contains($"root   {tree.RootHex}", treeOutput, StringComparison.Ordinal);
        Assert.Contains("values 3", treeOutput, StringComparison.Ordinal);
        Assert.Equal(0, proofExit);
        using var proof = JsonDocument.Parse(proofOutput);
        var bob = new RewardLeaf(EthAddress.Parse(Bob), 250);
        Assert.Equal(EthAddress.Parse(Bob).ToChecksumString(), proof.RootElement.GetProperty("account").GetString());
        Assert.Equal("250", proof.RootElement.GetProperty("amount").GetString());
        Assert.Equal(1, proof.RootElement.GetProperty("valueIndex").GetInt32());
        Assert.True(StandardMerkleTree.Verify(
            proof.RootElement.GetProperty("root").GetString()!,
            bob,
            [.. proof.RootElement.GetProperty("proof").EnumerateArray().Select(h => h.GetString()!)]));
    }

    [Theory]
    [InlineData("""[["0x1234", "5"]]""", "entry 0: '0x1234' is not an address")]
    [InlineData("""[["0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "-5"]]""", "entry 0: amount -5 is negative")]
    [InlineData("""[["0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "115792089237316195423570985008687907853269984665640564039457584007913129639936"]]""", "does not fit in a uint256")]
    [InlineData("""[["0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", 1.5]]""", "'1.5' is not an amount")]
    [InlineData("""{"not": "an array"}""", "expected a non-empty JSON array")]
    [InlineData("""[["0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "5"]""", "not valid JSON")]
    public async Task Tree_rejects_bad_values_with_an_error_and_a_fix(string json, string reason)
    {
        var values = Write("values.json", json);

        var (exitCode, output) = await CliRun.InvokeAsync("rewards", "tree", "--values", values, "--out", Path.Combine(_directory.FullName, "tree.json"));

        Assert.Equal(2, exitCode);
        Assert.Contains("error:", output, StringComparison.Ordinal);
        Assert.Contains(reason, output, StringComparison.Ordinal);
        Assert.Contains("fix:", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory.FullName, "tree.json")));
    }

    [Fact]
    public async Task Tree_says_when_the_values_file_cannot_be_read()
    {
        var (exitCode, output) = await CliRun.InvokeAsync("rewards", "tree", "--values", Path.Combine(_directory.FullName, "missing.json"), "--out", "x.json");

        Assert.Equal(2, exitCode);
        Assert.Contains("Cannot read the values file", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proof_for_an_address_not_in_the_tree_says_so()
    {
        var treePath = await BuildTreeAsync();

        var (exitCode, output) = await CliRun.InvokeAsync("rewards", "proof", "--tree", treePath, "--address", "0x000000000000000000000000000000000000dEaD");

        Assert.Equal(2, exitCode);
        Assert.Contains("0x000000000000000000000000000000000000dEaD is not in the tree", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proof_rejects_a_malformed_address_and_a_tampered_tree()
    {
        var treePath = await BuildTreeAsync();
        var tampered = Write("tampered.json", (await File.ReadAllTextAsync(treePath)).Replace("\"250\"", "\"251\"", StringComparison.Ordinal));

        var (badAddressExit, badAddressOutput) = await CliRun.InvokeAsync("rewards", "proof", "--tree", treePath, "--address", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD");
        var (tamperedExit, tamperedOutput) = await CliRun.InvokeAsync("rewards", "proof", "--tree", tampered, "--address", Bob);

        Assert.Equal(2, badAddressExit);
        Assert.Contains("invalid EIP-55 checksum", badAddressOutput, StringComparison.Ordinal);
        Assert.Equal(2, tamperedExit);
        Assert.Contains("does not hash to tree[", tamperedOutput, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private async Task<string> BuildTreeAsync()
    {
        var values = Write("values.json", $"""[["{Alice}", "1000"], ["{Bob}", "250"]]""");
        var treePath = Path.Combine(_directory.FullName, "tree.json");
        var (exitCode, output) = await CliRun.InvokeAsync("rewards", "tree", "--values", values, "--out", treePath);
        Assert.True(exitCode == 0, output);
        return treePath;
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }
}
