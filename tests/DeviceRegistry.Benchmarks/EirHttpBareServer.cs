using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DeviceRegistry.Benchmarks;

/// <summary>
/// The reference the eir-http benchmark compares against: Kestrel with its defaults (as the web host uses
/// them) answering the equipment-status path with a constant body of the same bytes as a real answer,
/// no authentication, no logging, no work. eir-http starts it as a child process.
/// Usage: eir-http-bare --port N [--http2] (--http2: HTTP/2 only, for h2c with prior knowledge as the SBA listener)
/// </summary>
internal sealed class EirHttpBareServer : IBenchmark
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"status\":\"WHITELISTED\"}");

    public string Name => "eir-http-bare";

    public string Description => "(started by eir-http) bare Kestrel returning a constant on 127.0.0.1";

    public async Task<int> RunAsync(string[] args)
    {
        var port = args.Length >= 2 && args[0] == "--port" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5099;
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        if (args.Contains("--http2"))
        {
            builder.WebHost.ConfigureKestrel(o => o.ConfigureEndpointDefaults(e => e.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2));
        }

        var app = builder.Build();
        app.MapGet("/n5g-eir-eic/v1/equipment-status", (HttpContext http) =>
        {
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = "application/json";
            http.Response.ContentLength = Body.Length;
            return http.Response.Body.WriteAsync(Body, http.RequestAborted).AsTask();
        });
        app.MapGet("/health/ready", () => "Healthy");
        await app.RunAsync();
        return 0;
    }
}
