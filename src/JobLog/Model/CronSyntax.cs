namespace JobLog.Model;

/// <summary>
/// The cron grammar a new job may use, checked completely before NCrontab sees the text: NCrontab 3.4 lets an
/// overflowing number escape as an exception, turns a step of 0 (or a negative one) into 1 and swaps a
/// backwards range, so such expressions would silently fire at times nobody wrote.
/// </summary>
/// <remarks>
/// Five fields (minute hour day-of-month month day-of-week) or six with seconds first, separated by spaces.
/// A field is a comma list of items; an item is <c>*</c>, <c>n</c> or <c>a-b</c>, optionally followed by
/// <c>/step</c> (<c>n/step</c> means <c>n-max/step</c>). Numbers are within the field's range, a range does
/// not run backwards, a step is 1 to max−min of its field. Months and days of the week may be named by their
/// English three-letter abbreviation or full name in any case (NCrontab accepts any prefix of the full name,
/// but "S" or "Ju" would name whichever comes first). Everything accepted here parses in NCrontab 3.4.0 to
/// exactly the values written.
/// </remarks>
public static class CronSyntax
{
    public const int MaxLength = 256;

    // Above every field's maximum, so a number of any length compares as out of range instead of overflowing.
    private const int Saturated = 1_000_000;

    private static readonly string[] MonthNames =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    private static readonly string[] DayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

    private static readonly CronField Second = new("second", 0, 59, null);
    private static readonly CronField Minute = new("minute", 0, 59, null);
    private static readonly CronField Hour = new("hour", 0, 23, null);
    private static readonly CronField DayOfMonth = new("day-of-month", 1, 31, null);
    private static readonly CronField Month = new("month", 1, 12, MonthNames);

    // NCrontab's day of the week is 0-6 from Sunday; 7 is refused there, so it is refused here too.
    private static readonly CronField DayOfWeek = new("day-of-week", 0, 6, DayNames);

    private static readonly CronField[] FiveFields = [Minute, Hour, DayOfMonth, Month, DayOfWeek];
    private static readonly CronField[] SixFields = [Second, Minute, Hour, DayOfMonth, Month, DayOfWeek];

    /// <summary>Everything wrong with <paramref name="text"/>, one message per fault; empty when it is valid.</summary>
    public static IReadOnlyList<string> Problems(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return ["is required: 5 fields (minute hour day month weekday) or 6 with seconds first."];
        if (text.Length > MaxLength)
            return [$"must be at most {MaxLength} characters."];
        for (var i = 0; i < text.Length; i++)
        {
            if (!IsCronChar(text[i]))
                return [CharacterProblem(text, i)];
        }
        if (text[0] == ' ' || text[^1] == ' ')
            return ["must not start or end with a space."];

        var tokens = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length is not (5 or 6))
            return [$"must have 5 fields (minute hour day month weekday) or 6 with seconds first; found {tokens.Length}."];

        var fields = tokens.Length == 6 ? SixFields : FiveFields;
        var problems = new List<string>();
        for (var i = 0; i < tokens.Length; i++)
            CheckField(fields[i], tokens[i], problems);
        return problems;
    }

    /// <summary>Whether <paramref name="text"/> has six fields, the first one being seconds.</summary>
    public static bool HasSeconds(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6;

    private static string CharacterProblem(string text, int at)
    {
        var tokens = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (tokens is not (5 or 6))
            return $"may contain only digits, letters, spaces and * / - , characters; found {Show(text[at])} at position {at + 1}.";
        // The field holding the character: the tokens before it, less the one it belongs to when it continues one.
        var before = text[..at].Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        var index = at > 0 && text[at - 1] != ' ' ? before - 1 : before;
        var field = (tokens == 6 ? SixFields : FiveFields)[index];
        return $"{field.Name} field: {Show(text[at])} is not allowed; a field has only digits, names and * / - , characters.";
    }

    private static void CheckField(CronField field, string token, List<string> problems)
    {
        foreach (var item in token.Split(','))
        {
            if (item.Length == 0)
            {
                problems.Add($"{field.Name} field: '{token}' has an empty list item.");
                continue;
            }
            var parts = item.Split('/');
            if (parts.Length > 2)
            {
                problems.Add($"{field.Name} field: '{item}' has more than one step.");
                continue;
            }
            CheckRange(field, item, parts[0], problems);
            if (parts.Length == 2)
                CheckStep(field, parts[1], problems);
        }
    }

    private static void CheckRange(CronField field, string item, string range, List<string> problems)
    {
        if (range == "*")
            return;
        var ends = range.Split('-');
        if (ends.Length > 2)
        {
            problems.Add($"{field.Name} field: '{item}' is not *, a value or a range a-b.");
            return;
        }
        var first = Value(field, ends[0], item, problems);
        if (ends.Length == 1)
            return;
        var last = Value(field, ends[1], item, problems);
        if (first is { } a && last is { } b && a > b)
            problems.Add($"{field.Name} field: range {range} runs backwards; write {ends[1]}-{ends[0]} or a list.");
    }

    private static void CheckStep(CronField field, string text, List<string> problems)
    {
        if (text.Length == 0 || !text.All(char.IsAsciiDigit))
        {
            problems.Add($"{field.Name} field: step '{text}' is not a number.");
            return;
        }
        var step = Number(text);
        if (step == 0)
            problems.Add($"{field.Name} field: step 0 is not allowed.");
        else if (step > field.Max - field.Min)
            problems.Add($"{field.Name} field: step {text} is larger than {field.Max - field.Min}.");
    }

    private static int? Value(CronField field, string text, string item, List<string> problems)
    {
        if (text.Length == 0)
        {
            problems.Add($"{field.Name} field: '{item}' is missing a value.");
            return null;
        }
        if (text.All(char.IsAsciiDigit))
        {
            var value = Number(text);
            if (value >= field.Min && value <= field.Max)
                return value;
            problems.Add($"{field.Name} field: {text} is out of range {field.Min}-{field.Max}.");
            return null;
        }
        if (field.Names is { } names)
        {
            for (var i = 0; i < names.Length; i++)
            {
                if (text.Equals(names[i], StringComparison.OrdinalIgnoreCase)
                    || (text.Length == 3 && names[i].StartsWith(text, StringComparison.OrdinalIgnoreCase)))
                    return field.Min + i;
            }
            problems.Add($"{field.Name} field: '{text}' is not a number from {field.Min} to {field.Max}, "
                + $"nor a name such as {names[0][..3]} or {names[0]}.");
            return null;
        }
        problems.Add($"{field.Name} field: '{text}' is not a number from {field.Min} to {field.Max}.");
        return null;
    }

    private static int Number(string digits)
    {
        var value = 0;
        foreach (var digit in digits)
            value = Math.Min(value * 10 + (digit - '0'), Saturated);
        return value;
    }

    private static bool IsCronChar(char c) => char.IsAsciiLetterOrDigit(c) || c is ' ' or '*' or '/' or '-' or ',';

    private static string Show(char c) => c is > ' ' and < '\u007f' ? $"'{c}'" : $"U+{(int)c:X4}";

    private sealed record CronField(string Name, int Min, int Max, string[]? Names);
}
