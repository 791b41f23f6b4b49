using System.Globalization;

namespace JobLog.Properties.Dst;

/// <summary>
/// The POSIX TZ string at the end of a TZif file (RFC 8536 section 3.3): the rule for every instant after the
/// file's last transition, read here without .NET so the oracle's offsets do not come from the code under test.
/// </summary>
public sealed class PosixZoneRule
{
    private readonly int _standard;
    private readonly int _daylight;
    private readonly (DateRule Date, int Time)? _start;
    private readonly (DateRule Date, int Time)? _end;

    private PosixZoneRule(int standard, int daylight, (DateRule, int)? start, (DateRule, int)? end)
    {
        _standard = standard;
        _daylight = daylight;
        _start = start;
        _end = end;
    }

    /// <summary>
    /// Whether the rule makes its change to <paramref name="offsetAfter"/> (the start is the change to daylight time,
    /// the end the change back) at a time of day below 0 or from 24 hours on, as RFC 8536 3.3.1 allows: Cairo's
    /// <c>M10.5.4/24</c>, Jerusalem's <c>M3.4.4/26</c>, Nuuk's <c>M3.5.0/-1</c>.
    /// </summary>
    public bool ChangesToAtTimeOutsideDay(TimeSpan offsetAfter) =>
        _start is { } start && _end is { } end
        && OutsideDay(offsetAfter.TotalSeconds == _daylight ? start.Time : end.Time);

    private static bool OutsideDay(int seconds) => seconds is < 0 or >= 86_400;

    /// <summary>The UTC offset (seconds) when no daylight time is in effect.</summary>
    public int StandardOffset => _standard;

    /// <summary>The rule of <paramref name="text"/>, or null when the text is empty (no rule beyond the table).</summary>
    public static PosixZoneRule? Parse(string text)
    {
        if (text.Length == 0)
            return null;
        var reader = new Reader(text);
        reader.Name();
        var standard = -reader.Offset();
        if (reader.AtEnd)
            return new PosixZoneRule(standard, standard, null, null);
        reader.Name();
        var daylight = reader.AtEnd || reader.Peek == ',' ? standard + 3600 : -reader.Offset();
        if (reader.AtEnd)
            throw new FormatException($"'{text}': daylight time without a rule");
        reader.Expect(',');
        var start = reader.Transition();
        reader.Expect(',');
        var end = reader.Transition();
        if (!reader.AtEnd)
            throw new FormatException($"'{text}': unexpected text at {reader.Position}");
        return new PosixZoneRule(standard, daylight, start, end);
    }

    /// <summary>Every offset change the rule makes in <paramref name="year"/>, as (unix seconds, offset after), in order.</summary>
    public IEnumerable<(long At, int Offset)> ChangesIn(int year)
    {
        if (_start is not { } start || _end is not { } end)
            return [];
        // Each time is local time as it was just before the change: standard before the start, daylight before the end.
        var begins = (LocalDaySeconds(year, start.Date) + start.Time - _standard, _daylight);
        var ends = (LocalDaySeconds(year, end.Date) + end.Time - _daylight, _standard);
        return begins.Item1 <= ends.Item1 ? [begins, ends] : [ends, begins];
    }

    private static long LocalDaySeconds(int year, DateRule rule)
    {
        var day = rule switch
        {
            { Kind: 'J' } => new DateTime(year, 1, 1).AddDays(rule.Day - 1 + (DateTime.IsLeapYear(year) && rule.Day >= 60 ? 1 : 0)),
            { Kind: 'n' } => new DateTime(year, 1, 1).AddDays(rule.Day),
            _ => NthWeekday(year, rule.Month, rule.Week, rule.Day),
        };
        return (long)(day - DateTime.UnixEpoch).TotalSeconds;
    }

    private static DateTime NthWeekday(int year, int month, int week, int weekday)
    {
        var first = new DateTime(year, month, 1);
        var day = first.AddDays((weekday - (int)first.DayOfWeek + 7) % 7 + (week - 1) * 7);
        while (day.Month != month)
            day = day.AddDays(-7);
        return day;
    }

    private readonly record struct DateRule(char Kind, int Month, int Week, int Day);

    private sealed class Reader(string text)
    {
        public int Position { get; private set; }

        public bool AtEnd => Position >= text.Length;

        public char Peek => text[Position];

        public void Expect(char c)
        {
            if (AtEnd || text[Position] != c)
                throw new FormatException($"'{text}': expected '{c}' at {Position}");
            Position++;
        }

        public void Name()
        {
            if (!AtEnd && Peek == '<')
            {
                var close = text.IndexOf('>', Position);
                if (close < 0)
                    throw new FormatException($"'{text}': unclosed <");
                Position = close + 1;
                return;
            }
            var start = Position;
            while (!AtEnd && char.IsAsciiLetter(Peek))
                Position++;
            if (Position - start < 3)
                throw new FormatException($"'{text}': zone abbreviation expected at {start}");
        }

        // [+-]hh[:mm[:ss]] in seconds; the sign is POSIX's (west of Greenwich positive) for offsets.
        public int Offset()
        {
            var sign = 1;
            if (!AtEnd && Peek is '+' or '-')
            {
                sign = Peek == '-' ? -1 : 1;
                Position++;
            }
            var seconds = Number() * 3600;
            if (!AtEnd && Peek == ':')
            {
                Position++;
                seconds += Number() * 60;
                if (!AtEnd && Peek == ':')
                {
                    Position++;
                    seconds += Number();
                }
            }
            return sign * seconds;
        }

        public (DateRule, int) Transition()
        {
            DateRule date;
            if (Peek == 'J')
            {
                Position++;
                date = new DateRule('J', 0, 0, Number());
            }
            else if (Peek == 'M')
            {
                Position++;
                var month = Number();
                Expect('.');
                var week = Number();
                Expect('.');
                date = new DateRule('M', month, week, Number());
            }
            else
            {
                date = new DateRule('n', 0, 0, Number());
            }
            var time = 2 * 3600;
            if (!AtEnd && Peek == '/')
            {
                Position++;
                time = Offset(); // RFC 8536 3.3.1: the time may be negative and up to 167 hours
            }
            return (date, time);
        }

        private int Number()
        {
            var start = Position;
            while (!AtEnd && char.IsAsciiDigit(Peek))
                Position++;
            if (Position == start)
                throw new FormatException($"'{text}': number expected at {start}");
            return int.Parse(text.AsSpan(start, Position - start), CultureInfo.InvariantCulture);
        }
    }
}
