using DeviceRegistry.Lists;
using DeviceRegistry.Operators;
using DeviceRegistry.Web.Eir;
using Microsoft.Net.Http.Headers;

namespace DeviceRegistry.Web.Lists;

/// <summary>
/// Operators download their lists (docs/lists.md, "Downloads"): <c>GET /api/v1/lists/latest</c> (what there is),
/// <c>GET /api/v1/lists/latest/{file}</c> and <c>GET /api/v1/lists/runs/{runId}/{file}</c>, as <c>text/csv</c> with the
/// recorded SHA-256 as ETag (<c>If-None-Match</c> answers 304). The caller is authenticated exactly as the EIR's
/// (<see cref="EirCallerAuthentication"/>: the operator's bearer secret or an NRF access token, the same failure limit
/// and the same 401 with <c>WWW-Authenticate</c>). Another operator's file answers 404, as a file never written does:
/// an operator cannot even learn which other operators have lists.
/// </summary>
public static class OperatorListEndpoints
{
    public const string Root = "/api/v1/lists";

    public const string CsvContentType = "text/csv; charset=utf-8";

    /// <summary>The response header naming the export run a file comes from.</summary>
    public const string RunHeader = "X-List-Export-Run";

    public static IEndpointRouteBuilder MapOperatorLists(this IEndpointRouteBuilder endpoints)
    {
        // As for the EIR, its singletons are resolved once here.
        var eir = new EirServices(endpoints.ServiceProvider);
        var group = endpoints.MapGroup(Root).WithTags("Operators' lists");

        group.MapGet("/latest", (Func<HttpContext, Task>)(http => IndexAsync(http, eir)))
            .WithName("ListLatestLists")
            .WithSummary("The list files the calling operator can download now: each name, its export run, rows and SHA-256")
            .Produces<LatestLists>(StatusCodes.Status200OK)
            .Produces<EirProblemDetails>(StatusCodes.Status401Unauthorized, EirProblem.ContentType);

        group.MapGet("/latest/{file}", (Func<HttpContext, Task>)(http => FileAsync(http, eir, runId: null)))
            .WithName("DownloadLatestList")
            .WithSummary("A list file of the latest export that wrote it: blacklist.csv, exceptions.csv, notifications.csv, or a *_delta.csv")
            .ProducesListFile();

        group.MapGet("/runs/{runId:long}/{file}", (Func<HttpContext, Task>)(http =>
                FileAsync(http, eir, long.Parse((string)http.Request.RouteValues["runId"]!, System.Globalization.CultureInfo.InvariantCulture))))
            .WithName("DownloadListOfRun")
            .WithSummary("A list file of one export run (its run id as devreg lists export prints it)")
            .ProducesListFile();
        return endpoints;
    }

    private static RouteHandlerBuilder ProducesListFile(this RouteHandlerBuilder route) => route
        .Produces(StatusCodes.Status200OK, contentType: "text/csv")
        .Produces(StatusCodes.Status304NotModified)
        .Produces<EirProblemDetails>(StatusCodes.Status401Unauthorized, EirProblem.ContentType)
        .Produces<EirProblemDetails>(StatusCodes.Status404NotFound, EirProblem.ContentType);

    private static async Task IndexAsync(HttpContext http, EirServices eir)
    {
        if (await EirCallerAuthentication.AuthenticateAsync(http, eir) is not { } caller)
        {
            return;
        }

        var downloads = http.RequestServices.GetRequiredService<ListDownloads>();
        var files = await downloads.LatestIndexAsync(caller.Name, http.RequestAborted);
        http.Response.Headers.CacheControl = "private, no-cache";
        await http.Response.WriteAsJsonAsync(
            new LatestLists(caller.Name, files.Select(f => new LatestList(f.Name, f.File, f.RunId, f.Rows, f.Sha256, $"{Root}/runs/{f.RunId}/{f.Name}")).ToList()),
            http.RequestAborted);
    }

    private static async Task FileAsync(HttpContext http, EirServices eir, long? runId)
    {
        if (await EirCallerAuthentication.AuthenticateAsync(http, eir) is not { } caller)
        {
            return;
        }

        var requested = (string)http.Request.RouteValues["file"]!;
        var downloads = http.RequestServices.GetRequiredService<ListDownloads>();
        var file = runId is { } run
            ? await downloads.OfRunAsync(run, requested, caller.Name, http.RequestAborted)
            : await downloads.LatestAsync(requested, caller.Name, http.RequestAborted);
        if (file is null)
        {
            await EirProblem.WriteAsync(http, EirProblem.Create(StatusCodes.Status404NotFound, NotFound(requested, runId, caller), EirProblem.InstanceOf(http.Request), null));
            return;
        }

        var etag = new EntityTagHeaderValue("\"" + file.Sha256 + "\"");
        var headers = http.Response.GetTypedHeaders();
        headers.ETag = etag;
        headers.CacheControl = new CacheControlHeaderValue { Private = true, NoCache = true };
        http.Response.Headers[RunHeader] = file.RunId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (http.Request.GetTypedHeaders().IfNoneMatch is { Count: > 0 } match && match.Any(m => m.Equals(EntityTagHeaderValue.Any) || m.Compare(etag, useStrongComparison: false)))
        {
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        http.Response.ContentType = CsvContentType;
        http.Response.ContentLength = file.Content.Length;
        http.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = file.Name }.ToString();
        await http.Response.Body.WriteAsync(file.Content, http.RequestAborted);
    }

    private static string NotFound(string requested, long? runId, AuthenticatedOperator caller) =>
        ListDownloads.FileNameFor(requested, caller.Name) is null
            ? $"'{requested}' is not a list file of operator {caller.Name}; the names are {string.Join(", ", ListDownloads.ShortNames)}."
            : runId is { } run
                ? $"Export run {run} wrote no '{requested}' for operator {caller.Name}."
                : $"No export has written '{requested}' for operator {caller.Name} yet.";
}

/// <summary>The answer of GET /api/v1/lists/latest.</summary>
public sealed record LatestLists(string Operator, IReadOnlyList<LatestList> Files);

/// <summary>One downloadable file: the name to ask by, the recorded file name, its run, rows, SHA-256 and the address of that run's copy.</summary>
public sealed record LatestList(string Name, string File, long RunId, int Rows, string Sha256, string Url);
