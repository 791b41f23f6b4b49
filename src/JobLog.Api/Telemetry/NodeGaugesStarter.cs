using JobLog.Telemetry;

namespace JobLog.Api.Telemetry;

/// <summary>Makes the node's gauges when the host starts: nothing asks for <see cref="NodeGauges"/> otherwise.</summary>
internal sealed class NodeGaugesStarter(NodeGauges gauges) : IHostedService
{
    public NodeGauges Gauges { get; } = gauges;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
