using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace JobLog.QuartzPeer;

/// <summary>
/// One member of a Quartz.NET cluster on the bench's PostgreSQL: the AdoJobStore with the PostgreSQL delegate,
/// clustered with Quartz's default check-in settings (7.5 s interval, 7.5 s grace), tables found through the
/// connection's search path (the bench creates them in a fresh schema per run).
/// </summary>
public static class PeerScheduler
{
    public const string TablePrefix = "qrtz_";

    public static StandaloneSchedulerFactory Build(PeerSettings settings, ReceiverClient? receiver) =>
        QuartzSchedulerBuilder.Create(q =>
        {
            q.ConfigureScheduler(options =>
            {
                options.InstanceName = PeerSettings.InstanceName;
                options.InstanceId = settings.InstanceId;
                // One round trip acquires up to this many triggers due at the same instant; without it a cluster
                // takes one database lock per fire, which cannot keep up with a thousand fires a second.
                options.MaxBatchSize = settings.BatchSize;
            });
            q.UseDefaultThreadPool(settings.Threads);
            q.UsePersistentStore(store =>
            {
                store.UsePostgres(settings.ConnectionString);
                store.UseClustering(_ => { });
                store.ConfigureStore(options =>
                {
                    options.TablePrefix = TablePrefix;
                    options.SchemaProvisioning = SchemaProvisioning.Validate;
                });
            });
            // The loader only stores jobs (by type name) and never runs one, so it has no receiver and no job to build.
            if (receiver is not null)
            {
                q.Services.AddSingleton(receiver);
                q.Services.AddTransient<WebhookJob>();
            }
        }).Build();
}
