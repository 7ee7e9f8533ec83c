using DeviceRegistry.Web.Eir;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Abstractions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Tests.Eir;

/// <summary>
/// The server's application (EirFirstApplication): EIR paths go to the EIR's pipeline on a context the connection keeps,
/// everything else to the host's application, each context disposed by whoever made it.
/// </summary>
public sealed class EirDirectDispatchTests
{
    [Theory]
    [InlineData("/n5g-eir-eic/v1", true)]
    [InlineData("/n5g-eir-eic/v1/equipment-status", true)]
    [InlineData("/N5G-EIR-EIC/V1/equipment-status", true)]
    [InlineData("/n5g-eir-eic/v1/", true)]
    [InlineData("/n5g-eir-eic/v10/equipment-status", false)]
    [InlineData("/n5g-eir-eic/v", false)]
    [InlineData("/n5g-eir-eic", false)]
    [InlineData("/health/ready", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void The_eir_paths_are_its_root_and_below_in_any_case(string? path, bool eir) =>
        Assert.Equal(eir, EirRequestPipeline.IsEirPath(path));

    [Fact]
    public async Task An_eir_request_skips_the_host_and_its_context_is_kept_for_the_next_request_on_the_stream()
    {
        var (application, host, eirPaths) = Create();
        var stream = new StreamFeatures("/n5g-eir-eic/v1/equipment-status");

        var first = application.CreateContext(stream);
        await application.ProcessRequestAsync(first);
        var firstHttp = eirPaths.Seen.Single();
        Assert.Equal("/n5g-eir-eic/v1/equipment-status", firstHttp.Request.Path.Value);
        Assert.NotNull(firstHttp.RequestServices);
        application.DisposeContext(first, null);

        stream.Request.Path = "/n5g-eir-eic/v1/equipment-status:batch";
        var second = application.CreateContext(stream);
        await application.ProcessRequestAsync(second);
        Assert.Same(first, second);
        Assert.Same(firstHttp, eirPaths.Seen[1]);
        Assert.Equal("/n5g-eir-eic/v1/equipment-status:batch", eirPaths.Seen[1].Request.Path.Value);
        application.DisposeContext(second, null);

        Assert.Empty(host.Created);
        Assert.Empty(host.Disposed);
    }

    [Fact]
    public async Task Other_requests_go_to_the_host_application_which_disposes_its_own_context()
    {
        var (application, host, eirPaths) = Create();
        var stream = new StreamFeatures("/n5g-eir-eic/v1/equipment-status");
        var eir = application.CreateContext(stream);
        await application.ProcessRequestAsync(eir);
        application.DisposeContext(eir, null);

        stream.Request.Path = "/backoffice";
        var failure = new InvalidOperationException("page failed");
        var page = application.CreateContext(stream);
        await application.ProcessRequestAsync(page);
        application.DisposeContext(page, failure);

        Assert.Single(eirPaths.Seen);
        Assert.Equal(["/backoffice"], host.Created.Select(c => c.Path));
        Assert.Equal(host.Created, host.Processed);
        Assert.Equal([(host.Created[0], (Exception?)failure)], host.Disposed);
    }

    [Fact]
    public async Task Until_the_eir_pipeline_is_built_every_request_goes_to_the_host()
    {
        var host = new RecordingHost();
        var application = new EirFirstApplication<RecordingHost.Context>(host, new EirRequestPipeline(),
            new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(), new FormOptions());
        var context = application.CreateContext(new StreamFeatures("/n5g-eir-eic/v1/equipment-status"));
        await application.ProcessRequestAsync(context);
        application.DisposeContext(context, null);
        Assert.Equal(["/n5g-eir-eic/v1/equipment-status"], host.Processed.Select(c => c.Path));
    }

    private static (EirFirstApplication<RecordingHost.Context>, RecordingHost, RecordingPipeline) Create()
    {
        var host = new RecordingHost();
        var eirPaths = new RecordingPipeline();
        var pipeline = new EirRequestPipeline { Pipeline = eirPaths.InvokeAsync };
        var scopes = new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>();
        return (new EirFirstApplication<RecordingHost.Context>(host, pipeline, scopes, new FormOptions()), host, eirPaths);
    }

    private sealed class RecordingPipeline
    {
        public List<HttpContext> Seen { get; } = [];

        public Task InvokeAsync(HttpContext context)
        {
            Seen.Add(context);
            return Task.CompletedTask;
        }
    }

    /// <summary>A stand-in for ASP.NET Core's hosting application: records what it is asked to do.</summary>
    private sealed class RecordingHost : IHttpApplication<RecordingHost.Context>
    {
        public sealed record Context(string Path);

        public List<Context> Created { get; } = [];

        public List<Context> Processed { get; } = [];

        public List<(Context, Exception?)> Disposed { get; } = [];

        public Context CreateContext(IFeatureCollection contextFeatures)
        {
            var context = new Context(contextFeatures.GetRequiredFeature<IHttpRequestFeature>().Path);
            Created.Add(context);
            return context;
        }

        public Task ProcessRequestAsync(Context context)
        {
            Processed.Add(context);
            return Task.CompletedTask;
        }

        public void DisposeContext(Context context, Exception? exception) => Disposed.Add((context, exception));
    }

    /// <summary>Features as Kestrel gives them for one HTTP/2 stream: the same object, holding the application's context, for each request on it.</summary>
    private sealed class StreamFeatures : FeatureCollection, IHostContextContainer<EirFirstApplication<RecordingHost.Context>.Context>
    {
        public StreamFeatures(string path)
        {
            Request = new HttpRequestFeature { Method = "GET", Path = path };
            Set<IHttpRequestFeature>(Request);
            Set<IHttpResponseFeature>(new HttpResponseFeature());
            Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        }

        public HttpRequestFeature Request { get; }

        public EirFirstApplication<RecordingHost.Context>.Context? HostContext { get; set; }
    }
}
