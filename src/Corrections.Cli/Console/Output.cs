using System.Text.Json;
using System.Text.Json.Serialization;

namespace Corrections.Cli.Console;

public static class Output
{
    public static JsonSerializerOptions Json { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static void WriteJson<T>(T value) => System.Console.Out.WriteLine(JsonSerializer.Serialize(value, Json));
}
