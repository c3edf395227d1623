using System.Xml.Linq;

namespace Corrections.Cli.Tests;

/// <summary>
/// The commands the app registers, each with its options, read from Spectre's own model (<c>cli xmldoc</c>): a command
/// added to <see cref="CorrectionsApp"/> is covered without a second list to keep in step.
/// </summary>
public static class RegisteredCommands
{
    public static IReadOnlyList<(string Name, string[] Options)> All { get; } = Read();

    private static List<(string Name, string[] Options)> Read()
    {
        var xmldoc = CommandLine.RunAsync("cli", "xmldoc").GetAwaiter().GetResult();
        return Leaves(XDocument.Parse(xmldoc.Output).Root!, "").ToList();
    }

    private static IEnumerable<(string Name, string[] Options)> Leaves(XElement parent, string path)
    {
        foreach (var command in parent.Elements("Command"))
        {
            var name = $"{path} {command.Attribute("Name")!.Value}".Trim();
            if (command.Attribute("IsBranch")?.Value == "true")
            {
                foreach (var leaf in Leaves(command, name))
                {
                    yield return leaf;
                }
                continue;
            }
            var options = command.Element("Parameters")?.Elements("Option").Select(OptionName).ToArray() ?? [];
            yield return (name, options);
        }
    }

    // Spectre writes an option without long names as Long="" (or "NULL").
    private static string OptionName(XElement option) => option.Attribute("Long")?.Value is { Length: > 0 } names and not "NULL"
        ? "--" + names.Split(',')[0]
        : "-" + option.Attribute("Short")!.Value.Split(',')[0];
}
