namespace DeviceRegistry.Sightings;

/// <summary>A bounded chunk of attach rows on their way to the store: aggregated (<see cref="SightingBuffer"/>) or as they are (<see cref="AppendBuffer"/>).</summary>
public interface ISightingChunk
{
    bool IsEmpty { get; }

    bool IsFull { get; }

    void Add(long imei, PackedDigits imsi, PackedDigits msisdn, int operatorId, DateOnly date);

    void Clear();
}

/// <summary>
/// The chunk of a deferred ingest (<see cref="SightingsSettings.DeferMerge"/>): the rows as they come, one sighting of one
/// day each, not aggregated (a day file's pairs do not repeat, and the roll-up folds whatever does), so a row costs
/// a list append instead of a hash lookup. <see cref="Rows"/> in arrival order; <see cref="SortedRows"/> in key order,
/// as PostgreSQL's block-range index on IMEI wants them.
/// </summary>
public sealed class AppendBuffer(int capacity) : ISightingChunk
{
    private readonly List<KeyValuePair<SightingKey, SightingAggregate>> rows = new(Math.Min(capacity, 1 << 20));

    public bool IsEmpty => rows.Count == 0;

    public bool IsFull => rows.Count >= capacity;

    public List<KeyValuePair<SightingKey, SightingAggregate>> Rows => rows;

    public void Add(long imei, PackedDigits imsi, PackedDigits msisdn, int operatorId, DateOnly date) =>
        rows.Add(SightingBuffer.OneDay(imei, imsi, msisdn, operatorId, date));

    public List<KeyValuePair<SightingKey, SightingAggregate>> SortedRows()
    {
        rows.Sort(static (a, b) => a.Key.CompareTo(b.Key));
        return rows;
    }

    public void Clear() => rows.Clear();
}
