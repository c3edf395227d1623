using System.Text;
using Corrections.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Corrections.Http;

/// <summary>
/// An operator proves the same database login the CLI uses, as HTTP Basic (<c>Authorization: Basic
/// base64(login:password)</c>; serve the API behind TLS). The database decides: a login it refuses is 401, one without
/// the operator role 403. A page's script sends <c>X-Requested-With: XMLHttpRequest</c> to be spared the Basic challenge
/// (a browser would answer it with its own password dialog).
/// </summary>
public static class OperatorChallenge
{
    private const string Basic = "Basic ";

    /// <summary>Whether the request claims an operator's login (else it is a producer's key, or nothing).</summary>
    public static bool Claims(HttpRequest request) =>
        request.Headers[HeaderNames.Authorization].ToString().StartsWith(Basic, StringComparison.OrdinalIgnoreCase);

    /// <param name="request">The request whose Basic credentials are proved.</param>
    /// <param name="act">
    /// The request's registry connections log in as the operator from now on (<see cref="RegistryLogin"/>), so the
    /// database records and checks that login; without it the login is only proved (reads).
    /// </param>
    public static async Task<(string? Login, IResult? Refusal)> CheckAsync(HttpRequest request, bool act)
    {
        if (Credentials(request) is not var (login, password))
        {
            return (null, Unauthenticated(request, "Send an operator's database login as 'Authorization: Basic base64(login:password)'."));
        }
        var configured = request.HttpContext.RequestServices.GetRequiredService<IOptions<PostgresOptions>>().Value.ConnectionString;
        OperatorLogins.Proof proof;
        try
        {
            proof = await OperatorLogins.ProveAsync(configured, login, password, request.HttpContext.RequestAborted);
        }
        catch (Npgsql.NpgsqlException e) when (e is not Npgsql.PostgresException)
        {
            // The registry is the judge of a login: while it cannot be asked, nobody is let in.
            return (null, Results.Problem($"The registry cannot check the login now: {e.Message}", statusCode: StatusCodes.Status503ServiceUnavailable, title: "registry-unavailable"));
        }
        switch (proof.Refusal)
        {
            case OperatorRefusal.WrongLogin:
                return (null, Unauthenticated(request, "The registry refuses this login and password."));
            case OperatorRefusal.NotOperator:
                return (null, Results.Problem($"Login '{login}' is not an operator: it needs the corrections_operator role.",
                    statusCode: StatusCodes.Status403Forbidden, title: "not-an-operator"));
        }
        if (act)
        {
            request.HttpContext.RequestServices.GetRequiredService<RegistryLogin>().As(proof.ConnectionString!);
        }
        return (login, null);
    }

    private static (string Login, string Password)? Credentials(HttpRequest request)
    {
        var authorization = request.Headers[HeaderNames.Authorization].ToString();
        if (!authorization.StartsWith(Basic, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[Basic.Length..].Trim()));
        }
        catch (FormatException)
        {
            return null;
        }
        var colon = decoded.IndexOf(':');
        return colon <= 0 ? null : (decoded[..colon], decoded[(colon + 1)..]);
    }

    private static IResult Unauthenticated(HttpRequest request, string detail)
    {
        if (request.Headers.XRequestedWith != "XMLHttpRequest")
        {
            request.HttpContext.Response.Headers.WWWAuthenticate = "Basic realm=\"Corrections operators\", charset=\"UTF-8\"";
        }
        return Results.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "unauthenticated");
    }
}
