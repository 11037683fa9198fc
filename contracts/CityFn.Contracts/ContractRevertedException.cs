namespace CityFn.Contracts;

/// <summary>
/// A contract call or transaction reverted. <see cref="Error"/> is the decoded typed error (for
/// example <c>EpochNotConsecutiveError</c>), null when the revert data matched no known error.
/// </summary>
public sealed class ContractRevertedException : Exception
{
    public ContractRevertedException(string operation, string revertData, Exception? innerException = null)
        : this(operation, revertData, ContractErrors.TryDecode(revertData), innerException)
    {
    }

    private ContractRevertedException(string operation, string revertData, object? error, Exception? innerException)
        : base(MessageFor(operation, revertData, error), innerException)
    {
        Operation = operation;
        RevertData = revertData;
        Error = error;
    }

    /// <summary>What reverted, e.g. <c>publishRoot on 0xabc…</c>.</summary>
    public string Operation { get; }

    /// <summary>The raw revert data (0x-prefixed hex; "0x" when the node gave none).</summary>
    public string RevertData { get; }

    /// <summary>The typed custom error, or null when the data is not a known error.</summary>
    public object? Error { get; }

    private static string MessageFor(string operation, string revertData, object? error) => error is not null
        ? $"{operation} reverted with {ContractErrors.Describe(error)}"
        : $"{operation} reverted with unrecognised data {(revertData.Length > 2 ? revertData : "(none)")}";
}
