using CityFn.Core.Ethereum;
using CityFn.Core.Rewards.Settlement;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CityFn.Functions.Rewards;

/// <summary>GET /api/rewards/{address}: cumulative, claimed on-chain, claimable, proof and the latest settled epoch.</summary>
public sealed class RewardsFunction(ContributorRewardsService rewards)
{
    [Function("GetRewards")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "rewards/{address}")] HttpRequest request,
        string address,
        CancellationToken cancellationToken)
    {
        if (!EthAddress.TryParse(address, out var account, out var error))
        {
            return new BadRequestObjectResult(new ProblemDetails { Title = "malformed_address", Detail = error, Status = StatusCodes.Status400BadRequest });
        }

        var result = await rewards.GetAsync(account, cancellationToken);
        return new JsonResult(result, ContributorRewardsJsonContext.Default.Options);
    }
}
