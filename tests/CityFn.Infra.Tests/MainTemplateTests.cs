using System.Reflection;
using System.Text.Json.Nodes;
using CityFn.Core.Storage;

namespace CityFn.Infra.Tests;

/// <summary>What city IT relies on from `azd up`, asserted on the compiled ARM template.</summary>
[Collection(CompiledTemplateCollection.Name)]
public sealed class MainTemplateTests(CompiledTemplateFixture template)
{
    [Fact]
    public void Lint_and_build_are_clean_with_every_rule_an_error()
    {
        Assert.True(template.Lint.ExitCode == 0, template.Lint.Output);
        Assert.Equal("", template.Lint.Output);
        Assert.True(template.Build.ExitCode == 0, template.Build.Output);
        Assert.Equal("", template.Build.Output);
    }

    [Fact]
    public void Deploys_at_subscription_scope_into_a_tagged_resource_group_named_after_the_environment()
    {
        Assert.Contains("subscriptionDeploymentTemplate.json", (string)template.Template["$schema"]!, StringComparison.Ordinal);
        var group = template.Single("Microsoft.Resources/resourceGroups");
        Assert.Equal("[format('rg-{0}', parameters('environmentName'))]", (string?)group["name"]);
        Assert.Equal("[parameters('environmentName')]", (string?)template.Template["variables"]!["tags"]!["azd-env-name"]);
    }

    [Fact]
    public void The_storage_account_allows_no_shared_keys_no_public_blobs_and_no_tls_below_1_2()
    {
        var properties = template.Single("Microsoft.Storage/storageAccounts")["properties"]!;

        Assert.False((bool)properties["allowSharedKeyAccess"]!);
        Assert.False((bool)properties["allowBlobPublicAccess"]!);
        Assert.Equal("TLS1_2", (string?)properties["minimumTlsVersion"]);
        Assert.True((bool)properties["supportsHttpsTrafficOnly"]!);
    }

    [Fact]
    public void Storage_has_the_containers_queues_and_tables_the_app_uses()
    {
        var storage = ModuleParameters("storage");

        Assert.Subset(Strings(storage["containers"]!).ToHashSet(), new HashSet<string> { "capture", "analytics", "rewards", "deadletter", "poison", "app-package" });
        Assert.Subset(Strings(storage["queues"]!).ToHashSet(), new HashSet<string> { "score-jobs", "alerts" });
    }

    [Fact]
    public void Every_container_queue_and_table_the_code_names_is_created_by_the_template()
    {
        var storage = ModuleParameters("storage");
        var declared = new[] { "containers", "queues", "tables" }
            .SelectMany(kind => Strings(storage[kind]!).Select(name => $"{kind}:{name}"))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        // Storage names are constants named *Container(Name), *Queue(Name) or *Table(Name) in Core.
        var named = typeof(StorageConnection).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (Kind: StorageKind(f.Name), Name: (string)f.GetRawConstantValue()!))
            .Where(n => n.Kind is not null)
            .Select(n => $"{n.Kind}:{n.Name}")
            .ToList();

        Assert.Contains("tables:ledger", named);
        var missing = named.Where(n => !declared.Contains(n)).ToList();
        Assert.True(missing.Count == 0, $"not created by infra/main.bicep: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Both_hubs_are_captured_as_avro_every_60_seconds_to_the_capture_container_with_a_user_assigned_identity()
    {
        Assert.Equal(["traffic", "sensors"], Strings(ModuleParameters("eventhubs")["hubs"]!));
        Assert.Equal("capture", (string?)ModuleParameters("eventhubs")["captureContainer"]);

        var capture = template.Single("Microsoft.EventHub/namespaces/eventhubs")["properties"]!["captureDescription"]!;
        Assert.True((bool)capture["enabled"]!);
        Assert.Equal("Avro", (string?)capture["encoding"]);
        Assert.Equal(60, (int)capture["intervalInSeconds"]!);
        Assert.True((bool)capture["skipEmptyArchives"]!);
        Assert.Equal("UserAssigned", (string?)capture["destination"]!["identity"]!["type"]);
        Assert.Equal("[parameters('captureIdentityId')]", (string?)capture["destination"]!["identity"]!["userAssignedIdentity"]);
        Assert.Equal("[parameters('captureContainer')]", (string?)capture["destination"]!["properties"]!["blobContainer"]);
        Assert.Equal(
            "{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}",
            (string?)capture["destination"]!["properties"]!["archiveNameFormat"]);
    }

    [Fact]
    public void Event_hubs_key_vault_and_monitoring_have_local_auth_off_and_the_vault_uses_rbac()
    {
        Assert.True((bool)template.Single("Microsoft.EventHub/namespaces")["properties"]!["disableLocalAuth"]!);
        Assert.True((bool)template.Single("Microsoft.Insights/components")["properties"]!["DisableLocalAuth"]!);
        Assert.True((bool)template.Single("Microsoft.KeyVault/vaults")["properties"]!["enableRbacAuthorization"]!);
        Assert.Empty(template.OfType("Microsoft.KeyVault/vaults/secrets"));
    }

    [Fact]
    public void The_function_app_runs_dotnet_isolated_10_on_flex_consumption_as_its_own_identity()
    {
        Assert.Equal("FC1", (string?)template.Single("Microsoft.Web/serverfarms")["sku"]!["name"]);
        var site = template.Single("Microsoft.Web/sites");
        var config = site["properties"]!["functionAppConfig"]!;

        Assert.Equal("dotnet-isolated", (string?)config["runtime"]!["name"]);
        Assert.Equal("10.0", (string?)config["runtime"]!["version"]);
        Assert.Equal("UserAssignedIdentity", (string?)config["deployment"]!["storage"]!["authentication"]!["type"]);
        Assert.Equal("UserAssigned", (string?)site["identity"]!["type"]);
        // azd finds the app to deploy the "functions" service to by this tag.
        Assert.Contains("'azd-service-name', 'functions'", (string?)site["tags"], StringComparison.Ordinal);
        Assert.All(template.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies"), p => Assert.False((bool)p["properties"]!["allow"]!));
    }

    [Fact]
    public void App_settings_define_every_setting_the_app_reads()
    {
        var settings = ModuleParameters("functionapp")["appSettings"]!.AsObject().Select(p => p.Key).ToHashSet();
        var required = StorageConnection.IdentityBasedSettingNames
            .Concat(["AzureWebJobsStorage__credential", "APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING"])
            .Concat(OptionsSettingNames())
            .ToArray();

        Assert.All(required, name => Assert.Contains(name, settings));
        // Flex Consumption sets these from functionAppConfig and rejects them as app settings.
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", settings);
        Assert.DoesNotContain("FUNCTIONS_EXTENSION_VERSION", settings);
        // Identity only: no storage connection string.
        Assert.DoesNotContain("AzureWebJobsStorage", settings);
    }

    [Fact]
    public void No_output_carries_a_secret_or_a_key()
    {
        var outputs = template.Template["outputs"]!.AsObject();

        Assert.NotEmpty(outputs);
        foreach (var (name, output) in outputs)
        {
            var value = output!["value"]!.ToJsonString();
            Assert.DoesNotContain("listKeys", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("connectionString", value, StringComparison.OrdinalIgnoreCase);
            Assert.False(name.Contains("SECRET", StringComparison.Ordinal) || name.Contains("PASSWORD", StringComparison.Ordinal) || name.EndsWith("_KEY", StringComparison.Ordinal), name);
        }

        Assert.DoesNotContain("listKeys(", template.Template.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("storageBlobDataOwner", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "Microsoft.Storage/storageAccounts'", "functionIdentityName")]
    [InlineData("storageQueueDataContributor", "974c5e8b-45b9-4653-ba55-5f855dd0fb88", "Microsoft.Storage/storageAccounts'", "functionIdentityName")]
    [InlineData("storageTableDataContributor", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "Microsoft.Storage/storageAccounts'", "functionIdentityName")]
    [InlineData("keyVaultSecretsUser", "4633458b-17de-408a-b874-0445c86b69e6", "Microsoft.KeyVault/vaults'", "functionIdentityName")]
    [InlineData("monitoringMetricsPublisher", "3913510d-42f4-4e42-8a64-420c390055eb", "Microsoft.Insights/components'", "functionIdentityName")]
    [InlineData("storageBlobDataContributor", "ba92f5b4-2d11-453d-a403-e96b0029c9fe", "Microsoft.Storage/storageAccounts/blobServices/containers'", "captureIdentityName")]
    public void A_role_assignment_grants_each_data_plane_access(string role, string roleDefinitionId, string scopeType, string identity)
    {
        var access = template.Module("access");
        Assert.Equal(roleDefinitionId, (string?)access["variables"]!["roles"]![role]);

        var assignment = Assert.Single(
            template.OfType("Microsoft.Authorization/roleAssignments"),
            a => ((string?)a["properties"]!["roleDefinitionId"])!.Contains($"variables('roles').{role})", StringComparison.Ordinal)
                && ((string?)a["properties"]!["principalId"])!.Contains(identity, StringComparison.Ordinal));
        Assert.Contains(scopeType, (string?)assignment["scope"], StringComparison.Ordinal);
        Assert.Equal("ServicePrincipal", (string?)assignment["properties"]!["principalType"]);
    }

    [Fact]
    public void Every_required_parameter_has_an_azd_value_and_optional_choices_have_defaults()
    {
        var parameters = template.Template["parameters"]!.AsObject();
        var values = JsonNode.Parse(File.ReadAllText(Path.Combine(template.RepoRoot, "infra", "main.parameters.json")))!["parameters"]!.AsObject();

        foreach (var (name, definition) in parameters)
        {
            if (definition!["defaultValue"] is null)
            {
                Assert.True(values.ContainsKey(name), $"main.parameters.json lacks required parameter '{name}', so azd would prompt for it.");
            }
        }

        Assert.Equal("${AZURE_ENV_NAME}", (string?)values["environmentName"]!["value"]);
        Assert.Equal("${VNET_ENABLED=false}", (string?)values["vnetEnabled"]!["value"]);
        Assert.All(values, v => Assert.True(parameters.ContainsKey(v.Key), $"main.parameters.json sets unknown parameter '{v.Key}'."));
    }

    private JsonObject ModuleParameters(string module)
    {
        var deployment = template.OfType("Microsoft.Resources/deployments").Single(d => (string?)d["name"] == module);
        var result = new JsonObject();
        foreach (var (name, value) in deployment["properties"]!["parameters"]!.AsObject())
        {
            // A conditional parameter compiles to one expression string instead of {"value": …}.
            result[name] = ResolveVariable(value is JsonObject wrapped ? wrapped["value"] : value);
        }

        return result;
    }

    /// <summary>Replaces a plain "[variables('x')]" reference with the main template's value of x.</summary>
    private JsonNode? ResolveVariable(JsonNode? value)
    {
        const string Prefix = "[variables('";
        if (value is JsonValue scalar && scalar.TryGetValue<string>(out var text) && text.StartsWith(Prefix, StringComparison.Ordinal) && text.EndsWith("')]", StringComparison.Ordinal))
        {
            return template.Template["variables"]![text[Prefix.Length..^3]]?.DeepClone();
        }

        if (value is JsonArray array)
        {
            return new JsonArray([.. array.Select(ResolveVariable)]);
        }

        return value?.DeepClone();
    }

    private static string? StorageKind(string constantName) =>
        constantName.EndsWith("Container", StringComparison.Ordinal) || constantName.EndsWith("ContainerName", StringComparison.Ordinal) ? "containers"
        : constantName.EndsWith("Queue", StringComparison.Ordinal) || constantName.EndsWith("QueueName", StringComparison.Ordinal) ? "queues"
        : constantName.EndsWith("Table", StringComparison.Ordinal) || constantName.EndsWith("TableName", StringComparison.Ordinal) ? "tables"
        : null;

    private static string[] Strings(JsonNode array) => [.. array.AsArray().Select(n => (string)n!)];

    /// <summary>
    /// Settings bound to options classes: every public settable property of a CityFn type named
    /// *Options with a SectionName constant, written as Azure app settings (Section__Property).
    /// </summary>
    private static IEnumerable<string> OptionsSettingNames() =>
        new[] { typeof(StorageConnection).Assembly, typeof(Functions.HealthFunction).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t.Name.EndsWith("Options", StringComparison.Ordinal))
            .Select(t => (Type: t, Section: t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string))
            .Where(o => o.Section is not null)
            .SelectMany(o => o.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.SetMethod?.IsPublic == true)
                .Select(p => $"{o.Section}__{p.Name}"));
}
