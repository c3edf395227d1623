using Corrections.Editing.Data;

namespace Corrections.Editing.Tests.Data;

/// <summary>A generated set of CIFAR-10 binary batch files, a few records each.</summary>
public sealed class When_cifar10_batches_are_loaded : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    [Fact]
    public void Should_put_the_red_green_and_blue_planes_in_channels_0_1_2()
    {
        CifarRecords.Write(_directory.File("test_batch.bin"), CifarRecords.Solid(7, 10, 20, 30), CifarRecords.Solid(2, 0, 0, 255));

        using var data = Cifar10.Load(_directory.Path, DatasetSplit.Test);

        Assert.Equal([2L, 3, 32, 32], data.Images.shape);
        Assert.Equal([7L, 2], data.Labels.data<long>().ToArray());
        Assert.All(Plane(data, 0, 0), value => Assert.Equal(10 / 255f, value));
        Assert.All(Plane(data, 0, 1), value => Assert.Equal(20 / 255f, value));
        Assert.All(Plane(data, 0, 2), value => Assert.Equal(30 / 255f, value));
        Assert.All(Plane(data, 1, 2), value => Assert.Equal(1f, value));
    }

    [Fact]
    public void Should_read_each_plane_row_by_row()
    {
        CifarRecords.Write(_directory.File("test_batch.bin"), CifarRecords.Gradient(0));

        using var data = Cifar10.Load(_directory.Path, DatasetSplit.Test);

        // Pixel (row 1, column 2) is byte 32 + 2 of the red plane.
        using var pixel = data.Images[0, 0, 1, 2];
        Assert.Equal(34 / 255f, pixel.item<float>());
    }

    [Fact]
    public void Should_concatenate_the_five_train_batches_in_order()
    {
        WriteTrainBatches(_directory.Path);

        using var data = Cifar10.Load(_directory.Path, DatasetSplit.Train);

        Assert.Equal(10, data.Count);
        Assert.Equal([1L, 1, 2, 2, 3, 3, 4, 4, 5, 5], data.Labels.data<long>().ToArray());
        Assert.Equal(Cifar10.DefaultClassNames, data.ClassNames);
    }

    [Fact]
    public void Should_accept_the_archive_subfolder_and_its_class_list()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_directory.Path, Cifar10.ArchiveFolder)).FullName;
        CifarRecords.Write(Path.Combine(folder, "test_batch.bin"), CifarRecords.Solid(0, 1, 2, 3));
        string[] names = ["a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9"];
        File.WriteAllText(Path.Combine(folder, "batches.meta.txt"), string.Join("\n", names) + "\n\n");

        using var data = Cifar10.Load(_directory.Path, DatasetSplit.Test);

        Assert.Equal(1, data.Count);
        Assert.Equal(names, data.ClassNames);
    }

    [Fact]
    public void Should_reject_a_truncated_file_and_name_it()
    {
        WriteTrainBatches(_directory.Path);
        var third = _directory.File("data_batch_3.bin");
        File.WriteAllBytes(third, File.ReadAllBytes(third)[..^100]);

        var error = Assert.Throws<DataFormatException>(() => Cifar10.Load(_directory.Path, DatasetSplit.Train));

        Assert.Contains("data_batch_3.bin is truncated or corrupt", error.Message);
        Assert.Contains("not a multiple of the 3073-byte record", error.Message);
    }

    [Fact]
    public void Should_reject_a_label_out_of_range()
    {
        CifarRecords.Write(_directory.File("test_batch.bin"), CifarRecords.Solid(1, 0, 0, 0), CifarRecords.Solid(10, 0, 0, 0));

        var error = Assert.Throws<DataFormatException>(() => Cifar10.Load(_directory.Path, DatasetSplit.Test));

        Assert.Contains("label 10 in record 1 is out of range [0, 10)", error.Message);
    }

    [Fact]
    public void Should_name_a_missing_batch()
    {
        WriteTrainBatches(_directory.Path);
        File.Delete(_directory.File("data_batch_5.bin"));

        var error = Assert.Throws<FileNotFoundException>(() => Cifar10.Load(_directory.Path, DatasetSplit.Train));

        Assert.Contains("data_batch_5.bin", error.Message);
    }

    public void Dispose() => _directory.Dispose();

    private static float[] Plane(LabeledImages data, long image, long channel)
    {
        using var plane = data.Images[image, channel];
        return plane.data<float>().ToArray();
    }

    private static void WriteTrainBatches(string folder)
    {
        for (byte batch = 1; batch <= 5; batch++)
        {
            var record = CifarRecords.Solid(batch, batch, batch, batch);
            CifarRecords.Write(Path.Combine(folder, $"data_batch_{batch}.bin"), record, record);
        }
    }
}
