using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Corrections.Editing.Data;
using Corrections.Editing.Editors;
using Corrections.Editing.Models;
using Corrections.Editing.Persistence;
using static TorchSharp.torch;

namespace Corrections.Editing.Tests.Persistence;

public sealed class When_a_model_goes_out_as_safetensors : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    private static EditableModel SmallCnn(long seed) => EditableModel.Create(Architectures.SmallCnn(), Normalization.FashionMnist, "fc1,head",
        new EditorOptions { Kind = EditorKind.Adam, LearningRate = 0.02, MaxSteps = 7 }, seed);

    [Fact]
    public void Should_come_back_bit_exact_and_predict_the_same()
    {
        using var model = SmallCnn(seed: 8);
        var path = _directory.File("m.safetensors");
        model.Save(path);

        using var loaded = EditableModel.Load(path);

        var before = model.NamedTensors().ToList();
        var after = loaded.NamedTensors().ToDictionary(t => t.Name, t => t.Tensor);
        Assert.Equal(before.Select(t => t.Name), after.Keys);
        foreach (var (name, t) in before)
        {
            Assert.True(t.dtype == after[name].dtype && t.shape.SequenceEqual(after[name].shape), name);
            Assert.True(t.cpu().contiguous().bytes.SequenceEqual(after[name].cpu().contiguous().bytes), $"{name} differs");
        }
        using var inputs = rand(16, 1, 28, 28);
        using var expected = model.Logits(inputs);
        using var actual = loaded.Logits(inputs);
        Assert.True(expected.eq(actual).all().item<bool>(), "the loaded model predicts otherwise");
        Assert.Equal((model.Subset.Spec, model.Editor.Options), (loaded.Subset.Spec, loaded.Editor.Options));
    }

    [Fact]
    public void Should_write_a_header_other_tools_read()
    {
        using var model = SmallCnn(seed: 9);
        var path = _directory.File("m.safetensors");
        model.Save(path);

        var bytes = File.ReadAllBytes(path);
        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, length));

        Assert.Equal(0, (8 + length) % 8);
        var first = model.NamedTensors().First();
        var entry = header.RootElement.GetProperty(first.Name);
        Assert.Equal("F32", entry.GetProperty("dtype").GetString());
        Assert.Equal(first.Tensor.shape, entry.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal([0L, first.Tensor.NumberOfElements * 4], entry.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal(model.Architecture.Name, header.RootElement.GetProperty("__metadata__").GetProperty("architecture").GetString());
    }

    [Fact]
    public void Should_read_a_file_laid_out_by_the_specification_not_by_our_writer()
    {
        // Keys out of data order, an int64 tensor first in the data, no metadata, header padded with spaces: all allowed.
        var header = """{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[16,32]},"steps":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}""";
        var json = Encoding.UTF8.GetBytes(header.PadRight(header.Length + (8 - header.Length % 8) % 8));
        var data = new byte[32];
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(0), 7);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8), -1);
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(16 + 4 * i), i + 0.5f);
        }
        var path = _directory.File("foreign.safetensors");
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)json.Length), .. json, .. data]);

        var (tensors, metadata) = SafeTensors.Read(path);

        Assert.Empty(metadata);
        Assert.Equal(["steps", "w"], tensors.Select(t => t.Name));
        Assert.Equal([7L, -1L], tensors[0].Tensor.data<long>().ToArray());
        Assert.Equal([0.5f, 1.5f, 2.5f, 3.5f], tensors[1].Tensor.data<float>().ToArray());
        Assert.Equal([2L, 2L], tensors[1].Tensor.shape);
        foreach (var (_, t) in tensors)
        {
            t.Dispose();
        }
    }

    [Fact]
    public void Should_refuse_a_truncated_or_inconsistent_file_with_a_clear_error()
    {
        using var model = SmallCnn(seed: 10);
        var path = _directory.File("m.safetensors");
        model.Save(path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(_directory.File("truncated.safetensors"), bytes[..^64]);
        File.WriteAllBytes(_directory.File("huge-header.safetensors"), [.. BitConverter.GetBytes(ulong.MaxValue), .. bytes[8..]]);
        var header = """{"w":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}}""";
        File.WriteAllBytes(_directory.File("bf16.safetensors"), [.. BitConverter.GetBytes((ulong)header.Length), .. Encoding.UTF8.GetBytes(header), 0, 0]);

        var truncated = Assert.Throws<DataFormatException>(() => EditableModel.Load(_directory.File("truncated.safetensors")));
        var huge = Assert.Throws<DataFormatException>(() => SafeTensors.Read(_directory.File("huge-header.safetensors")));
        var bf16 = Assert.Throws<DataFormatException>(() => SafeTensors.Read(_directory.File("bf16.safetensors")));

        Assert.Contains("truncated", truncated.Message);
        Assert.Contains("header length", huge.Message);
        Assert.Contains("BF16", bf16.Message);
    }

    public void Dispose() => _directory.Dispose();
}
