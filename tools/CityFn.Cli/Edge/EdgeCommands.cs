using System.CommandLine;
using CityFn.Edge;
using CityFn.Edge.Models;
using CityFn.LocalDev;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace CityFn.Cli.Edge;

/// <summary><c>cityfn edge serve|demo-model</c>: run the edge scoring host (docs/edge-protocol.md).</summary>
public static class EdgeCommands
{
    public static Command Build(IAnsiConsole console)
    {
        var edge = new Command("edge", "Run an edge scoring host: Open Inference Protocol v2 over ONNX Runtime, signed responses.");
        edge.Subcommands.Add(BuildServe(console));
        edge.Subcommands.Add(BuildDemoModel(console));
        return edge;
    }

    private static Command BuildServe(IAnsiConsole console)
    {
        var models = new Option<string>("--models") { Description = "Model repository folder (<name>/config.json, <name>/<version>/model.onnx).", DefaultValueFactory = _ => "models" };
        var port = new Option<int>("--port") { Description = "Port to listen on (loopback unless --listen says otherwise).", DefaultValueFactory = _ => 8001 };
        var listen = new Option<string>("--listen") { Description = "Address to listen on.", DefaultValueFactory = _ => "127.0.0.1" };
        var device = new Option<string>("--device") { Description = "auto (CUDA when present, else CPU), cpu or cuda.", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong("auto", "cpu", "cuda");
        var keyFile = new Option<string?>("--key-file") { Description = "Operator key file (0x hex); created with a new key when missing." };
        var register = new Option<bool>("--register") { Description = "Register and heartbeat with the registry." };
        var registryUrl = new Option<string?>("--registry-url") { Description = "The Functions app's /api/edge-hosts. Without it --register writes straight into --storage." };
        var publicUrl = new Option<string?>("--public-url") { Description = "URL the registry gives to clients. Default: the listen URL." };
        var storage = new Option<string?>("--storage") { Description = "Storage connection string for --register without --registry-url. Default: the Azurite `cityfn dev up` runs." };
        var command = new Command("serve", "Serve the models of a repository over OIP v2 until Ctrl+C; in-flight requests finish first.")
        {
            models, port, listen, device, keyFile, register, registryUrl, publicUrl, storage,
        };

        CliAction.Set(command, console, async (parseResult, cancellationToken) =>
        {
            List<string> args =
            [
                "--models", parseResult.GetValue(models)!,
                "--port", parseResult.GetValue(port).ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--listen", parseResult.GetValue(listen)!,
                "--device", parseResult.GetValue(device)!,
            ];
            AddIfSet(args, "--key-file", parseResult.GetValue(keyFile));
            AddIfSet(args, "--registry-url", parseResult.GetValue(registryUrl));
            AddIfSet(args, "--public-url", parseResult.GetValue(publicUrl));
            if (parseResult.GetValue(register))
            {
                args.Add("--register");
                if (parseResult.GetValue(registryUrl) is null)
                {
                    var devState = DevState.Load(DevPaths.ForRepository(RepositoryRoot.Find()).StateFile);
                    args.AddRange(["--storage", parseResult.GetValue(storage) ?? (devState?.Azurite ?? AzuriteEndpoints.Default).ConnectionString]);
                }
            }

            WebApplication app;
            try
            {
                app = EdgeHost.Build([.. args]);
            }
            catch (Exception exception) when (exception is DirectoryNotFoundException or InvalidDataException or OptionsValidationException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
            {
                throw new DependencyUnavailableException(
                    $"The edge host cannot start: {exception.Message}",
                    "Check --models (see docs/edge-protocol.md, \"Model repository\"; `cityfn edge demo-model models` writes a demo model) and --device.");
            }

            await using (app)
            {
                // Ctrl+C cancels the token: the host stops accepting, drains in-flight and queued requests, then exits.
                await app.StartAsync(cancellationToken);
                await app.WaitForShutdownAsync(cancellationToken);
            }

            return CliAction.Ok;
        });
        return command;
    }

    private static Command BuildDemoModel(IAnsiConsole console)
    {
        var folder = new Argument<string>("folder") { Description = "Model repository folder to write into.", DefaultValueFactory = _ => "models" };
        var command = new Command("demo-model", "Write the tiny demo MLP (float32 [N,8] -> [N,1]) into a model repository.") { folder };
        CliAction.Set(command, console, (parseResult, _) =>
        {
            var root = parseResult.GetValue(folder)!;
            ModelRepository.WriteModel(root, new TinyMlp().ToOnnx(), new ModelConfig("mlp"));
            console.MarkupLineInterpolated($"Wrote model [bold]mlp[/] version 1 to {Path.Combine(root, "mlp")}. Serve it with [bold]cityfn edge serve --models {root}[/].");
            return Task.FromResult(CliAction.Ok);
        });
        return command;
    }

    private static void AddIfSet(List<string> args, string flag, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            args.AddRange([flag, value]);
        }
    }
}
