using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;

namespace CityFn.Functions.Middleware;

/// <summary>
/// The one place exceptions from functions are logged. Triggers stay free of try/catch; the host
/// still sees the failure (so queue messages are retried and then poisoned, HTTP gets a 500).
/// </summary>
public sealed partial class ExceptionHandlingMiddleware(ILogger<ExceptionHandlingMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await next(context);
        }
        catch (Exception exception)
        {
            LogFunctionFailed(exception, context.FunctionDefinition.Name, context.InvocationId);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {FunctionName} failed (invocation {InvocationId})")]
    private partial void LogFunctionFailed(Exception exception, string functionName, string invocationId);
}
