using CityFn.LocalDev;

namespace CityFn.Contracts.Tests;

public sealed class ContractArtifactsTests
{
    [Fact]
    public async Task The_committed_artifacts_are_byte_identical_to_a_fresh_compile_with_the_pinned_solc()
    {
        var repoRoot = RepositoryRoot.Find();
        var committedDirectory = Path.Combine(repoRoot, "contracts", "artifacts");
        var freshDirectory = Directory.CreateTempSubdirectory("cityfn-artifacts-");
        try
        {
            var (exitCode, _, error) = await NodeScript.RunAsync("contracts/compile.js", ["--out", freshDirectory.FullName]);
            Assert.True(exitCode == 0, $"compile.js failed ({exitCode}): {error}");

            var fresh = freshDirectory.GetFiles("*.json").Select(f => f.Name).Order().ToArray();
            var committed = Directory.GetFiles(committedDirectory, "*.json").Select(Path.GetFileName).Order().ToArray();
            Assert.Equal(["CityRewardToken.json", "RewardDistributor.json"], fresh);
            Assert.Equal(fresh, committed);
            foreach (var name in fresh)
            {
                var freshBytes = await File.ReadAllBytesAsync(Path.Combine(freshDirectory.FullName, name));
                var committedBytes = await File.ReadAllBytesAsync(Path.Combine(committedDirectory, name));
                var same = freshBytes.SequenceEqual(committedBytes);
                Assert.True(same, $"contracts/artifacts/{name} is stale: run `npm run compile:contracts` and commit it.");
            }
        }
        finally
        {
            freshDirectory.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_bindings_carry_the_bytecode_of_the_committed_artifacts()
    {
        var committed = ContractArtifact.Load("RewardDistributor");
        var file = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "contracts", "artifacts", "RewardDistributor.json"));

        Assert.StartsWith("0x6", committed.Bytecode, StringComparison.Ordinal);
        Assert.Contains($"\"bytecode\": \"{committed.Bytecode}\"", file, StringComparison.Ordinal);
        Assert.Equal(committed.Bytecode, new RewardDistributor.RewardDistributorDeployment().ByteCode);
    }
}
