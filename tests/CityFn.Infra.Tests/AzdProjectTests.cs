using System.Diagnostics;
using System.Text.RegularExpressions;

namespace CityFn.Infra.Tests;

/// <summary>azure.yaml and the postdeploy hooks agree with the repository and the template's outputs.</summary>
[Collection(CompiledTemplateCollection.Name)]
public sealed partial class AzdProjectTests(CompiledTemplateFixture template)
{
    private string AzureYaml => File.ReadAllText(Path.Combine(template.RepoRoot, "azure.yaml"));

    [Fact]
    public void The_functions_service_points_at_the_functions_project_as_a_dotnet_function()
    {
        var yaml = AzureYaml;

        Assert.Contains("project: ./functions/CityFn.Functions", yaml, StringComparison.Ordinal);
        Assert.Contains("language: dotnet", yaml, StringComparison.Ordinal);
        Assert.Contains("host: function", yaml, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(template.RepoRoot, "functions", "CityFn.Functions", "CityFn.Functions.csproj")));
    }

    [Fact]
    public void Both_postdeploy_hooks_exist_and_the_posix_one_parses()
    {
        var runs = RunLine().Matches(AzureYaml).Select(m => m.Groups[1].Value).ToArray();

        Assert.Equal(["./infra/hooks/postdeploy.sh", "./infra/hooks/postdeploy.ps1"], runs);
        Assert.All(runs, run => Assert.True(File.Exists(Path.Combine(template.RepoRoot, run)), run));

        using var syntaxCheck = Process.Start("sh", ["-n", Path.Combine(template.RepoRoot, "infra", "hooks", "postdeploy.sh")]);
        syntaxCheck.WaitForExit();
        Assert.Equal(0, syntaxCheck.ExitCode);
    }

    [Theory]
    [InlineData("postdeploy.sh")]
    [InlineData("postdeploy.ps1")]
    public void Every_variable_a_hook_requires_is_an_output_of_the_template(string hook)
    {
        var script = File.ReadAllText(Path.Combine(template.RepoRoot, "infra", "hooks", hook));
        var outputs = template.Template["outputs"]!.AsObject().Select(o => o.Key).ToHashSet();

        var used = OutputVariable().Matches(script).Select(m => m.Groups[1].Value).Distinct().ToArray();

        Assert.NotEmpty(used);
        Assert.All(used, name => Assert.Contains(name, outputs));
    }

    [GeneratedRegex(@"run:\s*(\S+)")]
    private static partial Regex RunLine();

    /// <summary>Upper-case azd variables the hooks read: ${NAME…} / $env:NAME / 'NAME' in the ps1 check list.</summary>
    [GeneratedRegex(@"(?:\$\{|\$env:|')((?:AZURE|FUNCTION|EVENT|CAPTURE|STORAGE|KEY)_[A-Z_]+)")]
    private static partial Regex OutputVariable();
}
