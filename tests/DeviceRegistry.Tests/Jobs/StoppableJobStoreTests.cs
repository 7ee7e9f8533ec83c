using System.Diagnostics;
using System.Reflection;
using DeviceRegistry.Infrastructure;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Quartz;
using Quartz.Extensibility;
using Quartz.Impl;

namespace DeviceRegistry.Tests.Jobs;

/// <summary>
/// Quartz's database store retries until the database answers: releasing a trigger, recording a firing's end, and, after
/// a commit that failed as the database went, finding out whether an acquisition or a fire landed. The scheduler thread
/// waits on those calls, and the host's stop waits on the scheduler thread. Here the wrapped store waits as that store does
/// with its database gone (until its call is cancelled), and each call must give up soon after the host begins to stop.
/// The host-level test with a real database taken away is HealthAndOpenApiTests'; this one reaches the acquisition and
/// fire paths, which a real database can only be made to fail in by chance (about one stop in a hundred hung before).
/// </summary>
public sealed class StoppableJobStoreTests
{
    [Theory]
    [InlineData(nameof(IJobStore.AcquireNextTriggersAndFireDue))]
    [InlineData(nameof(IJobStore.TriggersFired))]
    [InlineData(nameof(IJobStore.ReleaseAcquiredTrigger))]
    [InlineData(nameof(IJobStore.TriggeredJobComplete))]
    public async Task A_store_call_waiting_for_a_database_gives_up_soon_after_the_host_begins_to_stop(string call)
    {
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        using var store = new StoppableJobStore(WaitingStore.Create(), lifetime);
        var trigger = (IOperableTrigger)TriggerBuilder.Create().WithIdentity("t").ForJob("j").StartNow().Build();
        var job = JobBuilder.Create<NoJob>().WithIdentity("j").Build();
        var pending = call switch
        {
            nameof(IJobStore.AcquireNextTriggersAndFireDue) => store.AcquireNextTriggersAndFireDue(
                new TriggerAcquisitionRequest { NoLaterThan = DateTimeOffset.UtcNow, MaxCount = 1, TimeWindow = TimeSpan.Zero }, CancellationToken.None).AsTask(),
            nameof(IJobStore.TriggersFired) => store.TriggersFired([trigger], CancellationToken.None).AsTask(),
            nameof(IJobStore.ReleaseAcquiredTrigger) => store.ReleaseAcquiredTrigger(trigger, CancellationToken.None).AsTask(),
            _ => store.TriggeredJobComplete(trigger, job, SchedulerInstruction.NoInstruction, CancellationToken.None).AsTask(),
        };

        // before the host stops the call waits, as for a database that may come back
        await Task.Delay(300);
        Assert.False(pending.IsCompleted, $"{call} returned before the host began to stop");

        var watch = Stopwatch.StartNew();
        lifetime.StopApplication();
        var first = await Task.WhenAny(pending, Task.Delay(StoppableJobStore.StoppingGrace + TimeSpan.FromSeconds(10)));

        Assert.True(first == pending, $"{call} still waiting {watch.Elapsed.TotalSeconds:F1} s after the host began to stop");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.True(watch.Elapsed >= StoppableJobStore.StoppingGrace - TimeSpan.FromMilliseconds(100),
            $"{call} gave up after {watch.Elapsed.TotalSeconds:F2} s, before its grace of {StoppableJobStore.StoppingGrace.TotalSeconds} s");
    }

    private sealed class NoJob : IJob
    {
        public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    /// <summary>A job store whose every call waits until it is cancelled, as Quartz's database store does while its database is gone.</summary>
    public class WaitingStore : DispatchProxy
    {
        public static IJobStore Create() => Create<IJobStore, WaitingStore>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            var method = targetMethod ?? throw new ArgumentNullException(nameof(targetMethod));
            var token = (args ?? []).OfType<CancellationToken>().SingleOrDefault();
            if (method.ReturnType == typeof(ValueTask))
            {
                return new ValueTask(Task.Delay(Timeout.Infinite, token));
            }

            if (method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
            {
                var result = method.ReturnType.GetGenericArguments()[0];
                var task = typeof(WaitingStore).GetMethod(nameof(WaitAsync), BindingFlags.NonPublic | BindingFlags.Static)!
                    .MakeGenericMethod(result).Invoke(null, [token])!;
                return Activator.CreateInstance(method.ReturnType, task);
            }

            throw new NotSupportedException($"{method.Name} is not a call the test makes");
        }

        private static async Task<T> WaitAsync<T>(CancellationToken token)
        {
            await Task.Delay(Timeout.Infinite, token);
            throw new UnreachableException();
        }
    }
}
