namespace DeviceRegistry.Web.Eir;

public static class EirPipeline
{
    /// <summary>
    /// Requests under <see cref="EirEndpoints.ApiRoot"/> leave the host's pipeline here for a short one of their own:
    /// the EIR protocol answers (<see cref="EirProtocolMiddleware"/>: 414, 404, 405, 500 as ProblemDetails), routing
    /// and the endpoint. The host's exception and status-code pages, static files, rate limiter, localisation and the
    /// staff sign-in machinery (authentication, two-step enrolment, authorization) never run on an attach check.
    /// Put it first, before any of those (Program.cs). The EIR's endpoints are mapped here, in the branch's own routing
    /// (a branch of the host starts with no endpoints); UseEndpoints also registers them with the host's endpoint
    /// data sources, so the OpenAPI document still lists them.
    /// </summary>
    public static IApplicationBuilder UseEirPipeline(this IApplicationBuilder app) =>
        app.MapWhen(context => context.Request.Path.StartsWithSegments(EirEndpoints.ApiRoot), eir =>
        {
            eir.UseEirProtocol();
            eir.UseRouting();
            eir.UseEndpoints(endpoints => endpoints.MapEir());
        });
}
