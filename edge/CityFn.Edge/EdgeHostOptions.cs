using System.ComponentModel.DataAnnotations;
using CityFn.Edge.Models;

namespace CityFn.Edge;

/// <summary>Settings under <c>Edge:</c>; the command-line flags in <see cref="EdgeHostArguments"/> map onto them.</summary>
public sealed class EdgeHostOptions
{
    public const string Section = "Edge";

    public const int DefaultPort = 8001;

    /// <summary>The model repository folder (<c>--models</c>).</summary>
    [Required]
    public string Models { get; set; } = "models";

    /// <summary>The port to listen on (<c>--port</c>, default 8001); the listen address is <see cref="Listen"/>.</summary>
    [Range(0, 65535)]
    public int? Port { get; set; }

    /// <summary>The address to listen on; loopback unless the operator opens it up.</summary>
    [Required]
    public string Listen { get; set; } = "127.0.0.1";

    /// <summary><c>--device auto|cpu|cuda</c>.</summary>
    public ExecutionDevice Device { get; set; } = ExecutionDevice.Auto;

    /// <summary>ONNX Runtime intra-op threads per model; 1 keeps small-batch latency low and leaves cores to HTTP.</summary>
    [Range(1, 256)]
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>The operator key file (<c>--key-file</c>): created with a new key when missing; without it the key lives only in memory.</summary>
    public string? KeyFile { get; set; }

    /// <summary>Register and heartbeat (<c>--register</c>).</summary>
    public bool Register { get; set; }

    /// <summary>The Functions app's <c>/api/edge-hosts</c> (<c>--registry-url</c>); without it registration goes straight into storage.</summary>
    public Uri? RegistryUrl { get; set; }

    /// <summary>The URL the registry should give to clients (<c>--public-url</c>); default: the address the host listens on.</summary>
    public Uri? PublicUrl { get; set; }

    [Range(1, 3600)]
    public int HeartbeatSeconds { get; set; } = 30;

    /// <summary>Requests larger than this get 413.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxRequestBytes { get; set; } = 64 * 1024 * 1024;
}
