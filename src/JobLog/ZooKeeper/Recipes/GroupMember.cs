using JobLog.ZooKeeper.Client;

namespace JobLog.ZooKeeper.Recipes;

/// <summary>One member of a group: its id (the node's name), its data and its node's metadata (the owning session is <see cref="Stat.EphemeralOwner"/>).</summary>
public sealed record GroupMember(string MemberId, byte[] Data, Stat Stat);
