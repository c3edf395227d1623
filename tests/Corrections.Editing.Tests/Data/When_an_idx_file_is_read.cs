using Corrections.Editing.Data;

namespace Corrections.Editing.Tests.Data;

public sealed class When_an_idx_file_is_read : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    [Theory]
    [InlineData("images.gz")]
    [InlineData("images")]
    public void Should_return_the_declared_shape_and_the_data(string name)
    {
        var path = _directory.File(name);
        IdxBytes.Write(path, IdxBytes.Images(2, 3, 4));

        var file = IdxFile.Read(path);

        Assert.Equal([2, 3, 4], file.Dimensions);
        Assert.Equal(Enumerable.Range(0, 24).Select(i => (byte)i), file.Data);
    }

    [Fact]
    public void Should_reject_a_wrong_magic_number()
    {
        var bytes = IdxBytes.Labels(1, 2, 3);
        bytes[0] = 0x12;
        var path = Write("labels", bytes);

        var error = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));

        Assert.Contains("wrong magic number 0x12000801", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Should_say_a_gzipped_file_needs_the_gz_extension()
    {
        var gzipped = _directory.File("labels.gz");
        IdxBytes.Write(gzipped, IdxBytes.Labels(1, 2, 3));
        var path = Write("labels", File.ReadAllBytes(gzipped));

        var error = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));

        Assert.Contains("gzip", error.Message);
    }

    [Fact]
    public void Should_reject_an_unsupported_type_byte()
    {
        var path = Write("floats", IdxBytes.Of([2], new byte[8], type: 0x0D));

        var error = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));

        Assert.Contains("unsupported data type 0x0D (float32)", error.Message);
        Assert.Contains("only 0x08 (unsigned byte)", error.Message);
    }

    [Theory]
    [InlineData("images")]
    [InlineData("images.gz")]
    public void Should_reject_a_truncated_file(string name)
    {
        var bytes = IdxBytes.Images(2, 3, 4);
        var path = Write(name, bytes[..^5]);

        var error = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));

        Assert.Contains("is truncated", error.Message);
        Assert.Contains("expected 40 bytes, got 35", error.Message);
    }

    [Fact]
    public void Should_reject_a_truncated_header()
    {
        var path = Write("images", IdxBytes.Images(2, 3, 4)[..10]);

        var error = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));

        Assert.Contains("expected a 16-byte header for 3 dimensions, got 10 bytes", error.Message);
    }

    [Fact]
    public void Should_reject_bytes_after_the_data()
    {
        var path = Write("labels", [.. IdxBytes.Labels(1, 2, 3), 0, 0]);

        var error = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));

        Assert.Contains("2 unexpected bytes after the data", error.Message);
    }

    [Fact]
    public void Should_reject_sizes_that_cannot_fit_in_memory()
    {
        var path = Write("huge", IdxBytes.Of([int.MaxValue, int.MaxValue, int.MaxValue], []));

        var error = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));

        Assert.Contains("more than the", error.Message);
    }

    [Fact]
    public void Should_reject_a_corrupt_gzip_stream()
    {
        var path = _directory.File("labels.gz");
        File.WriteAllBytes(path, [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);

        var error = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));

        Assert.Contains("not a valid gzip stream", error.Message);
    }

    public void Dispose() => _directory.Dispose();

    // Gzips names ending in .gz, so a broken file is broken inside a valid compressed stream.
    private string Write(string name, byte[] bytes)
    {
        var path = _directory.File(name);
        IdxBytes.Write(path, bytes);
        return path;
    }
}
