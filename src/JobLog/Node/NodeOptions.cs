using System.ComponentModel.DataAnnotations;

namespace JobLog.Node;

public sealed class NodeOptions
{
    public const string Section = "JobLog";

    /// <summary>This node's name in every event's provenance.</summary>
    [Required]
    [MaxLength(200)]
    public string NodeId { get; set; } = "";
}
