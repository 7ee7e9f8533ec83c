using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace DeviceRegistry.Web.Eir;

/// <summary>
/// Kestrel answers requests it cannot parse (a bad request line or header, an unknown HTTP version, an
/// HTTP/1.x request on an HTTP/2-only listener) by itself, before any middleware, with a bodiless or
/// text/plain response and no hook to change it. This connection middleware watches what Kestrel writes to
/// the socket: a response of that shape (an error status line and its header block in one write, with
/// <c>Content-Length: 0</c> and <c>Connection: close</c>, or Kestrel's fixed HTTP/1.x-on-HTTP/2 answer) is
/// replaced, before it is sent, by the same status with an application/problem+json ProblemDetails
/// (400: cause INVALID_MSG_FORMAT). Every other write passes through untouched: the check is a compare of a
/// response's first bytes.
/// </summary>
public static class KestrelErrorResponses
{
    /// <summary>Adds the middleware to a cleartext listener (on a TLS one it would see only ciphertext).</summary>
    public static void UseErrorProblemDetails(this ListenOptions listen) =>
        listen.Use(next => connection =>
        {
            if (connection.Transport.Output is not ProblemRewritingWriter)
            {
                connection.Transport = new Duplex(connection.Transport.Input, new ProblemRewritingWriter(connection.Transport.Output));
            }

            return next(connection);
        });

    private static ReadOnlySpan<byte> StatusLinePrefix => "HTTP/1.1 "u8;

    private static ReadOnlySpan<byte> HeaderEnd => "\r\n\r\n"u8;

    private static ReadOnlySpan<byte> ConnectionClose => "\r\nConnection: close"u8;

    private static ReadOnlySpan<byte> Http1OnHttp2Body => "An HTTP/1.x request was sent to an HTTP/2 only endpoint."u8;

    /// <summary>
    /// The ProblemDetails response replacing <paramref name="written"/>, or null when it is not one of
    /// Kestrel's own bodiless (or fixed text) error responses.
    /// </summary>
    internal static byte[]? Replacement(ReadOnlySpan<byte> written)
    {
        if (written.Length < 16 || !written.StartsWith(StatusLinePrefix) || written[9] is not ((byte)'4' or (byte)'5'))
        {
            return null;
        }

        var end = written.IndexOf(HeaderEnd);
        // Kestrel closes the connection after each of its own error answers; the application's errors (a 401,
        // a 404 of unknown equipment) keep it open: they leave here before anything is decoded or allocated.
        if (end < 0 || written[..end].IndexOf(ConnectionClose) < 0)
        {
            return null;
        }

        var head = Encoding.ASCII.GetString(written[..end]);
        var body = written[(end + 4)..];
        var lines = head.Split("\r\n");
        var contentLength = Header(lines, "Content-Length");
        var contentType = Header(lines, "Content-Type");
        var closes = string.Equals(Header(lines, "Connection"), "close", StringComparison.OrdinalIgnoreCase);
        var bodiless = contentLength == "0" && contentType is null && body.IsEmpty;
        var http1OnHttp2 = contentType == "text/plain" && body.SequenceEqual(Http1OnHttp2Body);
        if (!closes || !(bodiless || http1OnHttp2) || !int.TryParse(lines[0].AsSpan(9, 3), out var status))
        {
            return null;
        }

        var detail = http1OnHttp2
            ? "An HTTP/1.x request was sent to an HTTP/2-only listener (use HTTP/2 with prior knowledge)."
            : status switch
            {
                400 => "The HTTP request could not be parsed (request line or header fields).",
                505 => "The HTTP version is not supported.",
                _ => "The HTTP request could not be read.",
            };
        var problem = EirProblem.Create(status, detail, null, status == StatusCodes.Status400BadRequest ? EirCause.InvalidMsgFormat : null);
        var json = JsonSerializer.SerializeToUtf8Bytes(problem, EirProblem.Json);
        var text = new StringBuilder(head.Length + 96);
        text.Append(lines[0]).Append("\r\n");
        foreach (var line in lines.AsSpan(1))
        {
            if (!IsHeader(line, "Content-Length") && !IsHeader(line, "Content-Type"))
            {
                text.Append(line).Append("\r\n");
            }
        }

        text.Append("Content-Type: ").Append(EirProblem.ContentType).Append("\r\n")
            .Append("Content-Length: ").Append(json.Length).Append("\r\n\r\n");
        var headBytes = Encoding.ASCII.GetBytes(text.ToString());
        var result = new byte[headBytes.Length + json.Length];
        headBytes.CopyTo(result, 0);
        json.CopyTo(result, headBytes.Length);
        return result;
    }

    private static bool IsHeader(string line, string name) =>
        line.Length > name.Length && line[name.Length] == ':' && line.StartsWith(name, StringComparison.OrdinalIgnoreCase);

    private static string? Header(string[] lines, string name)
    {
        foreach (var line in lines)
        {
            if (IsHeader(line, name))
            {
                return line[(name.Length + 1)..].Trim();
            }
        }

        return null;
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>
    /// Passes every call to the transport's writer; an Advance or a WriteAsync that holds one of Kestrel's own
    /// error responses is written as its replacement instead (the buffer not yet advanced is overwritten).
    /// </summary>
    private sealed class ProblemRewritingWriter(PipeWriter inner) : PipeWriter
    {
        private Memory<byte> lastMemory;

        public override void Advance(int bytes)
        {
            if (bytes >= 16 && bytes <= lastMemory.Length && Replacement(lastMemory.Span[..bytes]) is { } replacement)
            {
                lastMemory = default;
                inner.Write(replacement);
                return;
            }

            lastMemory = default;
            inner.Advance(bytes);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => lastMemory = inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => (lastMemory = inner.GetMemory(sizeHint)).Span;

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default) =>
            Replacement(source.Span) is { } replacement
                ? inner.WriteAsync(replacement, cancellationToken)
                : inner.WriteAsync(source, cancellationToken);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;
    }
}
