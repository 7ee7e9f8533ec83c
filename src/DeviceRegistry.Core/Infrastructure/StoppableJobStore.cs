using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;
using Quartz.Extensibility;
using Quartz.Impl;

namespace DeviceRegistry.Infrastructure;

/// <summary>
/// Quartz's database job store with a bound on its bookkeeping once the host is stopping. Quartz retries releasing
/// an acquired trigger, recording that a firing ended, and (after a commit that failed) finding out whether an
/// acquisition or a fire landed, until the database answers, and calls them with no cancellation (the scheduler
/// thread releases the trigger it holds when halted); its shutdown then waits for that loop, so with the database
/// gone a host never stops. Here those calls are cancelled <see cref="StoppingGrace"/>
/// after the host begins to stop. What is left in the store (a trigger still acquired, a firing not marked done) is
/// what a crash leaves, and the scheduler's next start recovers it.
/// </summary>
internal sealed class StoppableJobStore : DelegatingJobStore, IDisposable
{
    /// <summary>How long the store's last writes may keep retrying after the host begins to stop.</summary>
    public static readonly TimeSpan StoppingGrace = TimeSpan.FromSeconds(3);

    private readonly CancellationTokenSource stopping = new();
    private readonly CancellationTokenRegistration onStopping;

    public StoppableJobStore(IJobStore inner, IHostApplicationLifetime? lifetime)
        : base(inner)
    {
        if (lifetime is not null)
        {
            onStopping = lifetime.ApplicationStopping.Register(() => stopping.CancelAfter(StoppingGrace));
        }
    }

    /// <summary>Replaces the job store AddQuartz registered with this wrapper around it.</summary>
    public static void Decorate(IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IJobStore) && d.ImplementationFactory is not null)
            ?? throw new InvalidOperationException("Quartz registered no job store factory to wrap (AddQuartz with a persistent store first).");
        var create = registered.ImplementationFactory!;
        services.Remove(registered);
        services.Add(new ServiceDescriptor(typeof(IJobStore),
            sp => new StoppableJobStore((IJobStore)create(sp), sp.GetService<IHostApplicationLifetime>()), registered.Lifetime));
    }

    public override async ValueTask ReleaseAcquiredTrigger(IOperableTrigger trigger, CancellationToken cancellationToken)
    {
        using var bounded = Bound(cancellationToken);
        await base.ReleaseAcquiredTrigger(trigger, bounded.Token);
    }

    public override async ValueTask TriggeredJobComplete(IOperableTrigger trigger, IJobDetail jobDetail, SchedulerInstruction triggerInstCode, CancellationToken cancellationToken)
    {
        using var bounded = Bound(cancellationToken);
        await base.TriggeredJobComplete(trigger, jobDetail, triggerInstCode, bounded.Token);
    }

    public override async ValueTask FiringComplete(TriggeredJobCompleteContext context, CancellationToken cancellationToken)
    {
        using var bounded = Bound(cancellationToken);
        await base.FiringComplete(context, bounded.Token);
    }

    // A commit that fails as the database goes (acquiring or firing triggers) makes the store ask, until the database
    // answers, whether it landed anyway: the scheduler thread waits on that when it is halted.
    public override async ValueTask<List<IOperableTrigger>> AcquireNextTriggers(TriggerAcquisitionRequest request, CancellationToken cancellationToken)
    {
        using var bounded = Bound(cancellationToken);
        return await base.AcquireNextTriggers(request, bounded.Token);
    }

    public override async ValueTask<List<TriggerFiredResult>> TriggersFired(IReadOnlyCollection<IOperableTrigger> triggers, CancellationToken cancellationToken)
    {
        using var bounded = Bound(cancellationToken);
        return await base.TriggersFired(triggers, bounded.Token);
    }

    public void Dispose()
    {
        onStopping.Dispose();
        stopping.Dispose();
    }

    private CancellationTokenSource Bound(CancellationToken cancellationToken) =>
        CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping.Token);
}
