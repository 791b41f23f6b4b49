using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace JobLog.Integration.Api;

/// <summary>
/// Speaks HTTP/1.1 over a plain TCP connection, so a test can send what no HTTP client would (a broken request line,
/// a body shorter than its Content-Length, chunks of any size) and see exactly what the server wrote back.
/// </summary>
public sealed class RawHttp : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RawHttp(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RawHttp> ConnectAsync(Uri server)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        return new RawHttp(tcp);
    }

    /// <summary>Sends <paramref name="request"/> on a fresh connection and reads one response.</summary>
    public static async Task<RawResponse> ExchangeAsync(Uri server, byte[] request)
    {
        await using var http = await ConnectAsync(server);
        await http.SendAsync(request);
        return await http.ReadResponseAsync();
    }

    public static Task<RawResponse> ExchangeAsync(Uri server, string request) =>
        ExchangeAsync(server, Encoding.Latin1.GetBytes(request));

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Reads one response: its head, then a body framed by Content-Length, by chunks, or by the connection's end.</summary>
    public async Task<RawResponse> ReadResponseAsync()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var token = deadline.Token;
        var head = Encoding.Latin1.GetString(await ReadUntilAsync("\r\n\r\n"u8.ToArray(), token));
        var lines = head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        byte[] body;
        if (headers.TryGetValue("Content-Length", out var length))
        {
            body = await ReadExactlyAsync(int.Parse(length, CultureInfo.InvariantCulture), token);
        }
        else if (headers.TryGetValue("Transfer-Encoding", out var coding) && coding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            var chunks = new MemoryStream();
            while (true)
            {
                var sizeLine = Encoding.Latin1.GetString(await ReadUntilAsync("\r\n"u8.ToArray(), token));
                var size = int.Parse(sizeLine.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    await ReadUntilAsync("\r\n"u8.ToArray(), token);
                    break;
                }
                chunks.Write(await ReadExactlyAsync(size, token));
                await ReadExactlyAsync(2, token);
            }
            body = chunks.ToArray();
        }
        else if (status is (>= 100 and < 200) or 204 or 304)
        {
            body = [];
        }
        else
        {
            var rest = new MemoryStream();
            while (await FillAsync(token))
            {
                rest.Write(_buffer, _start, _end - _start);
                _start = _end;
            }
            body = rest.ToArray();
        }
        return new RawResponse(status, headers, Encoding.UTF8.GetString(body));
    }

    /// <summary>True once the server has closed the connection (reads end), within the deadline.</summary>
    public async Task<bool> ClosedByServerAsync()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (await FillAsync(deadline.Token))
            _start = _end;
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }

    private async Task<byte[]> ReadUntilAsync(byte[] terminator, CancellationToken token)
    {
        while (true)
        {
            var at = _buffer.AsSpan(_start, _end - _start).IndexOf(terminator);
            if (at >= 0)
            {
                var found = _buffer.AsSpan(_start, at).ToArray();
                _start += at + terminator.Length;
                return found;
            }
            if (!await FillAsync(token))
                throw new EndOfStreamException(
                    $"The connection ended before the response was complete: {Encoding.Latin1.GetString(_buffer, _start, _end - _start)}");
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken token)
    {
        var result = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            if (_start == _end && !await FillAsync(token))
                throw new EndOfStreamException($"The connection ended {count - filled} bytes before the body's end.");
            var take = Math.Min(count - filled, _end - _start);
            Array.Copy(_buffer, _start, result, filled, take);
            _start += take;
            filled += take;
        }
        return result;
    }

    private async Task<bool> FillAsync(CancellationToken token)
    {
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
            throw new InvalidOperationException("A response head or chunk line is larger than the test's buffer.");
        int read;
        try
        {
            read = await _stream.ReadAsync(_buffer.AsMemory(_end), token);
        }
        catch (IOException)
        {
            return false;
        }
        _end += read;
        return read > 0;
    }
}
