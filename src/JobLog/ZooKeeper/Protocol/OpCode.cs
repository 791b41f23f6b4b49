using JobLog.ZooKeeper.Client;

namespace JobLog.ZooKeeper.Protocol;

/// <summary>Wire opcodes (<c>ZooDefs.OpCode</c>) and reserved xids.</summary>
internal static class OpCode
{
    public const int Notification = 0;
    public const int Create = 1;
    public const int Delete = 2;
    public const int Exists = 3;
    public const int GetData = 4;
    public const int SetData = 5;
    public const int Sync = 9;
    public const int Ping = 11;
    public const int GetChildren2 = 12;
    public const int Check = 13;
    public const int Multi = 14;
    public const int Create2 = 15;
    public const int RemoveWatches = 18;
    public const int CreateContainer = 19;
    public const int CreateTtl = 21;
    public const int Auth = 100;
    public const int SetWatches2 = 105;
    public const int AddWatch = 106;
    public const int CloseSession = -11;
    public const int MultiError = -1;

    public const int NotificationXid = -1;
    public const int PingXid = -2;
    public const int AuthXid = -4;
    public const int SetWatchesXid = -8;

    /// <summary>Largest frame the server accepts (jute.maxbuffer default), counted after the length prefix.</summary>
    public const int MaxRequestFrame = 0xFFFFF;

    public static int ForCreate(CreateMode mode) => mode switch
    {
        CreateMode.Container => CreateContainer,
        CreateMode.PersistentWithTtl or CreateMode.PersistentSequentialWithTtl => CreateTtl,
        _ => Create2,
    };
}
