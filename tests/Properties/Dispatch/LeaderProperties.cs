using JobLog.Dispatch;
using JobLog.Dispatch.Leader;

namespace JobLog.Properties.Dispatch;

public sealed class LeaderProperties
{
    [Property(MaxTest = 200, Arbitrary = [typeof(LeadersScenario)])]
    public async Task<bool> Under_any_interleaving_of_stale_and_current_leaders_of_two_elections_and_alone_no_occurrence_is_claimed_or_sent_twice_and_a_live_leader_resolves_all(
        LeadersScenario scenario)
    {
        var rig = new DispatchRig(gated: true);
        await rig.AddAsync("every-2s", "*/2 * * * * *");
        await rig.AddAsync("every-3s", "*/3 * * * * *");
        var job = JobId.Parse("every-2s");
        // Dispatching began on this store now: every occurrence from here on is owed, whoever leads or does not.
        await rig.Runs.DispatchingSinceAsync(rig.Clock.GetUtcNow(), CancellationToken.None);
        var leaders = scenario.Leaders.Select((leadership, i) => rig.Term($"node-{i}", leadership)).ToList();
        var dead = new bool[leaders.Count];

        foreach (var step in scenario.Steps)
        {
            switch (step.Action)
            {
                case LeaderAction.Advance:
                    rig.Clock.Advance(TimeSpan.FromSeconds(step.Value));
                    break;
                case LeaderAction.Release:
                    await rig.ReleaseUntilIdleAsync(leaders.Select(l => l.InFlight));
                    break;
                case LeaderAction.Trigger:
                    await rig.Runs.RequestTriggerAsync(job, 1, rig.Clock.GetUtcNow(), CancellationToken.None);
                    break;
                default:
                    var (term, _) = leaders[step.Value];
                    if (dead[step.Value] || (step.Action != LeaderAction.TakeOver && !term.Started))
                        break;
                    try
                    {
                        await (step.Action switch
                        {
                            LeaderAction.TakeOver when !term.Started => term.StartAsync(CancellationToken.None),
                            LeaderAction.Tick => term.TickAsync(CancellationToken.None),
                            LeaderAction.PollTriggers => term.PollTriggersAsync(CancellationToken.None),
                            _ => Task.CompletedTask,
                        });
                    }
                    catch (FencedException)
                    {
                        dead[step.Value] = true;
                    }
                    break;
            }
        }

        // A live leader (of either election or alone: nobody takes the fence from it) takes over at the end and runs
        // until nothing is held.
        var (final, finalInFlight) = rig.Term("node-final", scenario.Final);
        await final.StartAsync(CancellationToken.None);
        await final.TickAsync(CancellationToken.None);
        await final.PollTriggersAsync(CancellationToken.None);
        await rig.ReleaseUntilIdleAsync(leaders.Select(l => l.InFlight).Append(finalInFlight));

        var failures = new List<string>(rig.Watched.Breaches);
        failures.AddRange(DispatcherProperties.Check(rig, rig.Clock.GetUtcNow()));
        failures.AddRange(rig.RunsWithoutOutcome());
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(8)));
        return true;
    }
}
