using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace DeviceRegistry.Benchmarks;

/// <summary>
/// An open-loop, constant-rate HTTP/1.1 load generator (wrk has no constant-rate mode; wrk2 is not packaged).
/// Request k is due at start + k/rate (a smooth schedule). A dispatcher thread wakes every
/// <see cref="TickMicroseconds"/> µs on an absolute monotonic deadline (clock_nanosleep, so no busy-waiting
/// on a 2-core machine) and sends every due request on an idle keep-alive connection with one write of
/// pre-built bytes; each connection's receive loop parses the response (Content-Length or chunked) and
/// records two latencies in 1 µs histograms:
/// <list type="bullet">
/// <item>from the request's due time: the wrk2-style, coordinated-omission-corrected figure; a slow answer,
/// a missing idle connection or a late dispatcher all count against it;</item>
/// <item>from the actual send: the server's service time as the client sees it.</item>
/// </list>
/// Limits: the generator shares the two cores with the server, so its own scheduling delays are in the first
/// figure (the send lag is reported so they can be told apart); one request per connection at a time (no pipelining).
/// </summary>
internal sealed class EirHttpConstantRate
{
    public const int TickMicroseconds = 100;
    private const int HistogramMicroseconds = 1_000_000;

    private readonly long[] fromDue = new long[HistogramMicroseconds + 1];
    private readonly long[] fromSend = new long[HistogramMicroseconds + 1];
    private readonly long[] sendLag = new long[HistogramMicroseconds + 1];
    private readonly Stack<Connection> idle = new();
    private long completed;
    private long errors;
    private long recordFromTicks = long.MaxValue;
    private long lastCompletionTicks;

    public sealed record Result(double AchievedPerSecond, long Completed, long Errors, long Stalls,
        Percentiles FromDue, Percentiles FromSend, Percentiles SendLag);

    public sealed record Percentiles(double P50, double P90, double P99, double P999, double Max);

    public static async Task<Result> RunAsync(IPEndPoint endpoint, byte[][] requests, int rate, TimeSpan warmup, TimeSpan duration, int connections)
    {
        var generator = new EirHttpConstantRate();
        var all = new List<Connection>();
        for (var i = 0; i < connections; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(endpoint);
            var c = new Connection(socket, generator);
            all.Add(c);
            generator.idle.Push(c);
        }

        var loops = all.Select(c => Task.Run(c.ReceiveLoopAsync)).ToList();
        long stalls = 0;
        long recordStart = 0;
        long recordEnd = 0;
        var dispatcher = new Thread(() => stalls = generator.Dispatch(requests, rate, warmup, duration, out recordStart, out recordEnd))
        {
            IsBackground = true,
            Priority = ThreadPriority.Highest,
            Name = "constant-rate dispatcher",
        };
        dispatcher.Start();
        dispatcher.Join();
        // Let the last answers arrive (bounded), then close.
        var drainUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < drainUntil && generator.IdleCount < connections - (int)Interlocked.Read(ref generator.errors))
        {
            await Task.Delay(10);
        }

        foreach (var c in all)
        {
            c.Socket.Dispose();
        }

        await Task.WhenAll(loops);
        // Achieved: recorded answers over the time until the last of them came back (longer than the
        // schedule when the server or the generator fell behind).
        var seconds = (double)(Math.Max(recordEnd, Interlocked.Read(ref generator.lastCompletionTicks)) - recordStart) / Stopwatch.Frequency;
        return new Result(generator.completed / seconds, generator.completed, generator.errors, stalls,
            Of(generator.fromDue), Of(generator.fromSend), Of(generator.sendLag));
    }

    private int IdleCount
    {
        get
        {
            lock (idle)
            {
                return idle.Count;
            }
        }
    }

    private long Dispatch(byte[][] requests, int rate, TimeSpan warmup, TimeSpan duration, out long recordStart, out long recordEnd)
    {
        var frequency = Stopwatch.Frequency;
        var start = Stopwatch.GetTimestamp() + (frequency / 100);
        recordStart = start + (long)(warmup.TotalSeconds * frequency);
        recordEnd = recordStart + (long)(duration.TotalSeconds * frequency);
        Volatile.Write(ref recordFromTicks, recordStart);
        var total = (long)((warmup + duration).TotalSeconds * rate);
        var tick = frequency * TickMicroseconds / 1_000_000;
        long sent = 0;
        long stalls = 0;
        var nextWake = start;
        while (sent < total)
        {
            SleepUntil(nextWake);
            var now = Stopwatch.GetTimestamp();
            var due = Math.Min(total, (long)((double)(now - start) * rate / frequency) + 1);
            while (sent < due)
            {
                Connection? c;
                lock (idle)
                {
                    idle.TryPop(out c);
                }

                if (c is null)
                {
                    stalls++;
                    break;
                }

                var dueAt = start + (long)((double)sent * frequency / rate);
                var sendAt = Stopwatch.GetTimestamp();
                if (dueAt >= recordStart)
                {
                    Record(sendLag, sendAt - dueAt);
                }

                c.Send(requests[sent % requests.Length], dueAt, sendAt);
                sent++;
            }

            nextWake += tick;
            if (nextWake < now - (10 * tick))
            {
                nextWake = now;
            }
        }

        return stalls;
    }

    private void Completed(long dueAt, long sentAt, bool ok)
    {
        var now = Stopwatch.GetTimestamp();
        if (!ok)
        {
            Interlocked.Increment(ref errors);
        }

        if (dueAt >= Volatile.Read(ref recordFromTicks))
        {
            Interlocked.Increment(ref completed);
            Volatile.Write(ref lastCompletionTicks, now);
            Record(fromDue, now - dueAt);
            Record(fromSend, now - sentAt);
        }
    }

    private static void Record(long[] histogram, long ticks)
    {
        var micros = Math.Clamp(ticks * 1_000_000 / Stopwatch.Frequency, 0, HistogramMicroseconds);
        Interlocked.Increment(ref histogram[micros]);
    }

    private static Percentiles Of(long[] histogram)
    {
        var total = histogram.Sum();
        double At(double q)
        {
            var target = (long)Math.Ceiling(q * total);
            long seen = 0;
            for (var i = 0; i < histogram.Length; i++)
            {
                seen += histogram[i];
                if (seen >= target && seen > 0)
                {
                    return i / 1000.0;
                }
            }

            return 0;
        }

        var max = 0;
        for (var i = histogram.Length - 1; i >= 0; i--)
        {
            if (histogram[i] > 0)
            {
                max = i;
                break;
            }
        }

        return new Percentiles(At(0.50), At(0.90), At(0.99), At(0.999), max / 1000.0);
    }

    private static void SleepUntil(long deadlineTicks)
    {
        // Stopwatch on Linux is CLOCK_MONOTONIC in nanoseconds; an absolute sleep avoids drift.
        var nanos = deadlineTicks * (1_000_000_000 / Stopwatch.Frequency);
        var spec = new TimeSpec { Seconds = nanos / 1_000_000_000, Nanoseconds = nanos % 1_000_000_000 };
        while (ClockNanosleep(ClockMonotonic, TimerAbsTime, ref spec, IntPtr.Zero) == 4)
        {
            // EINTR: sleep again to the same deadline.
        }
    }

    private const int ClockMonotonic = 1;
    private const int TimerAbsTime = 1;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_nanosleep")]
    private static extern int ClockNanosleep(int clock, int flags, ref TimeSpec request, IntPtr remain);

    private sealed class Connection(Socket socket, EirHttpConstantRate owner)
    {
        private readonly byte[] buffer = new byte[64 * 1024];
        private long dueAt;
        private long sentAt;

        public Socket Socket { get; } = socket;

        public void Send(byte[] request, long due, long sent)
        {
            dueAt = due;
            Volatile.Write(ref sentAt, sent);
            try
            {
                Socket.Send(request);
            }
            catch (SocketException)
            {
                owner.Completed(due, sent, ok: false);
            }
        }

        public async Task ReceiveLoopAsync()
        {
            var length = 0;
            try
            {
                while (true)
                {
                    var n = await Socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None);
                    if (n == 0)
                    {
                        return;
                    }

                    length += n;
                    var consumed = CompleteResponseLength(buffer.AsSpan(0, length), out var status);
                    if (consumed == 0)
                    {
                        continue;
                    }

                    // One request in flight per connection: a complete response ends it.
                    Buffer.BlockCopy(buffer, consumed, buffer, 0, length - consumed);
                    length -= consumed;
                    owner.Completed(dueAt, Volatile.Read(ref sentAt), status == 200);
                    lock (owner.idle)
                    {
                        owner.idle.Push(this);
                    }
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
        }

        /// <summary>The length of the first complete response in the buffer, or 0 when it is not all there yet.</summary>
        private static int CompleteResponseLength(ReadOnlySpan<byte> data, out int status)
        {
            status = 0;
            var headerEnd = data.IndexOf("\r\n\r\n"u8);
            if (headerEnd < 0)
            {
                return 0;
            }

            var headers = data[..headerEnd];
            status = ((headers[9] - '0') * 100) + ((headers[10] - '0') * 10) + (headers[11] - '0');
            var bodyStart = headerEnd + 4;
            var cl = IndexOfIgnoreCase(headers, "\r\ncontent-length:"u8);
            if (cl >= 0)
            {
                var rest = headers[(cl + 17)..];
                var value = 0;
                foreach (var b in rest)
                {
                    if (b == ' ')
                    {
                        continue;
                    }

                    if (b is < (byte)'0' or > (byte)'9')
                    {
                        break;
                    }

                    value = (value * 10) + (b - '0');
                }

                return data.Length >= bodyStart + value ? bodyStart + value : 0;
            }

            var end = data[bodyStart..].IndexOf("\r\n0\r\n\r\n"u8);
            return end < 0 ? 0 : bodyStart + end + 7;
        }

        private static int IndexOfIgnoreCase(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> lowerNeedle)
        {
            for (var i = 0; i + lowerNeedle.Length <= haystack.Length; i++)
            {
                var match = true;
                for (var j = 0; j < lowerNeedle.Length; j++)
                {
                    var b = haystack[i + j];
                    if (b is >= (byte)'A' and <= (byte)'Z')
                    {
                        b = (byte)(b + 32);
                    }

                    if (b != lowerNeedle[j])
                    {
                        match = false;
                        break;
                    }
                }

                if (match)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
