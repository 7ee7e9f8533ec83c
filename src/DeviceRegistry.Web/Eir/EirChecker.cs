using DeviceRegistry.Eir;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Infrastructure;

namespace DeviceRegistry.Web.Eir;

/// <summary>
/// Answers one attach check from the index and queues it as a sighting of the calling operator.
/// A home SIM on an IMEI never seen on one starts its registration window in the index at once.
/// Every answer is counted per day and status (<see cref="EirAnswerCounter"/>). A sighting that cannot be queued
/// throws <see cref="EirSightingNotQueuedException"/>, which the EIR answers 503 NF_CONGESTION.
/// </summary>
public sealed class EirChecker(
    EirIndex index, AttachDecider decider, HomeNetworks homeNetworks, SightingBatchWriter sightings, RegistryClock clock,
    EirAnswerCounter answers)
{
    public bool IsReady => index.IsLoaded;

    public EirDecision Check(in EirQuery query, int operatorId)
    {
        var today = clock.Today();
        var decision = index.Decide(query, decider, homeNetworks, today);
        answers.Count(today, decision.Status);
        if (query.Imsi is null)
        {
            // Sightings are IMEI-SIM pairs: a check without a SUPI has no SIM to record.
            return decision;
        }

        var home = homeNetworks.IsHome(query.Imsi);
        var startsWindow = home && decision.StartsWindow;
        if (!sightings.TryRecord(new CheckSighting(query.ImeiKey, query.Imsi, query.Msisdn, operatorId, today, home, startsWindow)))
        {
            // Never a 200 whose sighting is lost: admission keeps headroom, so this is a race or a closing queue.
            // The window is started only once the sighting is queued, so a refused check leaves the index as it was.
            throw new EirSightingNotQueuedException();
        }

        if (startsWindow)
        {
            index.NoteHomeSighting(query.ImeiKey, today);
        }

        return decision;
    }
}
