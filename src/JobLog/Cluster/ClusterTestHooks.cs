using System.ComponentModel.DataAnnotations;

namespace JobLog.Cluster;

/// <summary>
/// Settings that exist for the fault tests only (section <c>JobLog:Testing</c>); both are off unless set, and no
/// deployment should set them.
/// </summary>
public sealed class ClusterTestHooks
{
    public const string Section = "JobLog:Testing";

    /// <summary>
    /// Holds every write between its append and its mirror step this long, so a test can kill the node in exactly the
    /// window where the change is committed but no other node has heard of it. Zero: no pause.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan PauseBeforeMirror { get; set; }

    /// <summary>
    /// A file the node rewrites with each new ZooKeeper session's id (hex) and password (base64), one per line, so a test
    /// can expire that session from outside the way ZooKeeper does. Null: never written (the password is a secret).
    /// </summary>
    public string? SessionFile { get; set; }
}
