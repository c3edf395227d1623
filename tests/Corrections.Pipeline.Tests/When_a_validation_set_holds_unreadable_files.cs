using Corrections.Editing.Data;
using Corrections.Pipeline.Gate;
using Corrections.Pipeline.Observability;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace Corrections.Pipeline.Tests;

/// <summary>
/// An NAE-style image folder with a corrupt PNG, an empty file and a note. It used to leave the worker healthy and
/// reject every candidate as "model file unusable: Image file …/corrupt.png", backlogging every report.
/// </summary>
public sealed class When_a_validation_set_holds_unreadable_files : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "corrections-nae-" + Guid.NewGuid().ToString("N"));

    public When_a_validation_set_holds_unreadable_files()
    {
        foreach (var name in new[] { "cat", "dog" })
        {
            var folder = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
            for (var i = 0; i < 2; i++)
            {
                using var bitmap = new SKBitmap(6, 6);
                bitmap.Erase(name == "cat" ? SKColors.Red : SKColors.Blue);
                using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
                File.WriteAllBytes(Path.Combine(folder, $"{i}.png"), png.ToArray());
            }
        }
        File.WriteAllBytes(Path.Combine(_root, "cat", "corrupt.png"), [0x89, 0x50, 0x4E, 0x47, 9, 9]);
        File.WriteAllBytes(Path.Combine(_root, "dog", "empty.png"), []);
        File.WriteAllText(Path.Combine(_root, "dog", "notes.txt"), "night shift");
    }

    private ValidationData Data(bool skipUnreadable) => new(Options.Create(new ValidationOptions
    {
        Sets = [new ValidationSetOptions { Name = "nae", Format = "image-folder", Path = _root, SkipUnreadable = skipUnreadable }],
    }), NullLogger<ValidationData>.Instance);

    [Fact]
    public async Task Should_refuse_to_serve_the_set_naming_the_file_and_mark_it_unhealthy()
    {
        using var data = Data(skipUnreadable: false);

        var error = Assert.Throws<ValidationSetUnusableException>(() => data.For("m", [1, 4, 4], 2).ToList());
        var health = await new ValidationSetsHealthCheck(data).CheckHealthAsync(new HealthCheckContext());

        // Not a DataFormatException: the gate rejects candidates for those (a broken model file), never for a broken set.
        Assert.IsNotType<DataFormatException>(error);
        Assert.Contains("'nae'", error.Message);
        Assert.Contains(Path.Combine(_root, "cat", "corrupt.png"), error.Message);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains("nae", health.Description);
        Assert.Contains("corrupt.png", health.Data["nae"].ToString());
    }

    [Fact]
    public async Task Should_skip_count_and_show_unreadable_files_when_configured_to()
    {
        using var data = Data(skipUnreadable: true);

        var sets = data.For("m", [1, 4, 4], 2).ToList();
        var health = await new ValidationSetsHealthCheck(data).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(4, Assert.Single(sets).Data.Count);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        var detail = health.Data["nae"].ToString()!;
        Assert.Contains("4 examples, 2 unreadable file(s) skipped", detail);
        Assert.Contains("empty.png", detail);
        Assert.DoesNotContain("notes.txt", detail);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
