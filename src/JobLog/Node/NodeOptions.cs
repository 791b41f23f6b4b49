using System.ComponentModel.DataAnnotations;

namespace JobLog.Node;

public sealed class NodeOptions
{
    public const string Section = "JobLog";

    /// <summary>This node's name in every event's provenance and in the cluster's membership (a znode name).</summary>
    [Required]
    [MaxLength(200)]
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    public string NodeId { get; set; } = "";
}
