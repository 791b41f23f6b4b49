using System.ComponentModel.DataAnnotations;

namespace JobLog.Cluster;

/// <summary>How this node joins the cluster through ZooKeeper. Without a connection string the node runs alone.</summary>
public sealed class ClusterOptions
{
    public const string Section = "JobLog:ZooKeeper";
    public const string ConnectionStringVariable = "JOBLOG_ZOOKEEPER";

    /// <summary><c>host:port[,host:port...][/chroot]</c>; from <c>JobLog:ZooKeeper:ConnectionString</c> or <c>JOBLOG_ZOOKEEPER</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The znode under which JobLog keeps jobs/, nodes/, leader/ and mirror.</summary>
    [Required]
    [RegularExpression("^/([A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*)?$")]
    public string Root { get; set; } = "/joblog";

    /// <summary>This node's address as other nodes and operators reach it, shown in the membership.</summary>
    public string? AdvertisedUrl { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Deadline of each ZooKeeper call.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a write may wait to mirror its change before answering the client anyway (the relay mirrors it later).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan MirrorTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the leader relays the store's feed into znodes, and members publish their applied position.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many events the relay reads from the store at a time.</summary>
    [Range(1, 100_000)]
    public int RelayPageSize { get; set; } = 1_000;

    /// <summary>How many jobs the relay mirrors at once.</summary>
    [Range(1, 1_000)]
    public int RelayConcurrency { get; set; } = 64;

    /// <summary>Wait before trying to connect again after ZooKeeper could not be reached.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ConnectionString);
}
