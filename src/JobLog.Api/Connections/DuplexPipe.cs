using System.IO.Pipelines;

namespace JobLog.Api.Connections;

public sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
