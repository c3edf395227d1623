using Corrections.Cli.Benchmarks;
using Corrections.Cli.Console;
using Corrections.Editing;
using Corrections.Editing.Data;
using Corrections.Editing.Lifelong;
using Corrections.Editing.Shifts;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Commands;

/// <summary>
/// The lifelong benchmark: one stream of reported mistakes on a shifted distribution, corrected by each method in turn
/// from the same start model, with curves and a summary against the oracle.
/// </summary>
public sealed class LifelongCommand : Command<LifelongSettings>
{
    public override int Execute(CommandContext context, LifelongSettings settings, CancellationToken cancellation)
    {
        var device = settings.Compute.Device;
        using var start = EditableModel.Load(settings.Model, device);
        using var plain = settings.PlainModel is string p ? EditableModel.Load(p, device) : null;
        using var oracle = settings.Oracle is string o ? EditableModel.Load(o, device) : null;
        using var cleanTrain = DataSources.Load(settings.Data, DatasetSplit.Train);
        using var cleanTest = DataSources.Load(settings.Data, DatasetSplit.Test);
        var (shiftName, shiftedAll, shiftedTest) = LoadShift(settings, cleanTrain, cleanTest);
        using var _all = shiftedAll;
        using var _test = shiftedTest;
        // The shift gate's slice, the last images of the shifted train split, and the unexamined traffic before it are
        // out of every method's stream.
        var (reserved, traffic) = (settings.ShiftValidation, settings.Traffic);
        var streamed = shiftedAll.Count - reserved - traffic;
        using var shiftedTrain = reserved + traffic > 0 ? shiftedAll.Select(Range(0, streamed)) : null;
        using var trafficImages = traffic > 0 ? shiftedAll.Select(Range(streamed, traffic)) : null;
        using var shiftSlice = reserved > 0 ? shiftedAll.Select(Range(streamed + traffic, reserved)) : null;
        var data = new StreamData(shiftName, shiftedTrain ?? shiftedAll, shiftedTest, cleanTest, trafficImages?.Images);
        using var slices = LifelongMethods.CleanSlices.Of(cleanTrain);
        var methods = settings.MethodNames();
        var options = new StreamOptions { Reports = settings.Reports, Every = settings.Every, Seed = settings.Seed };
        var results = new List<StreamResult>();
        ServiceLatency? service = null;
        foreach (var name in methods)
        {
            cancellation.ThrowIfCancellationRequested();
            using var method = LifelongMethods.Create(name, settings, start, plain, oracle, cleanTrain, slices, shiftSlice);
            results.Add(Run(method, data, options, settings.Json));
            service = method is ServiceMethod through ? through.Latency() : service;
            if (!settings.Json)
            {
                var s = LifelongSummary.Of(results[^1], null);
                AnsiConsole.MarkupLine($"  {Markup.Escape(name)}: shifted {s.ShiftedStartPct:F1} → {s.ShiftedEndPct:F1} %, clean {s.CleanDeltaPp:+0.00;-0.00} pp, retention {s.RetentionPct:F1} %, {s.CorrectSeconds:F0} s");
            }
        }
        var oracleEnd = results.FirstOrDefault(r => r.Method == "oracle")?.End.ShiftedErrorPct;
        var summaries = results.Select(r => LifelongSummary.Of(r, oracleEnd)).ToList();
        var stem = settings.Out ?? Path.Combine("bench", "results", $"{DateTime.UtcNow:yyyy-MM-dd}-lifelong-{shiftName}");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(stem))!);
        var document = new
        {
            shift = shiftName,
            start_model = settings.Model,
            command = "corrections " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
            commit = Environment.GetEnvironmentVariable("CORRECTIONS_COMMIT") ?? "unrecorded",
            options,
            service,
            summaries,
            results,
        };
        File.WriteAllText(stem + ".json", System.Text.Json.JsonSerializer.Serialize(document, Output.Json));
        var plots = LifelongPlots.Write(results, shiftName, stem);
        if (settings.Json)
        {
            Output.WriteJson(new { shift = shiftName, summaries, files = plots.Prepend(stem + ".json") });
            return 0;
        }
        AnsiConsole.Write(SummaryTable(shiftName, summaries));
        if (service is { } l)
        {
            AnsiConsole.MarkupLine($"Through the service: {l.Applied} applied, {l.Backlogged} backlogged; report → effective p50 {l.P50Ms:F0} ms, p99 {l.P99Ms:F0} ms, max {l.MaxMs:F0} ms; {l.EffectiveWithin5sPct:F1} % within 5 s; {l.Seconds:F0} s in all.");
        }
        AnsiConsole.MarkupLine($"Curves: {Markup.Escape(string.Join(", ", plots))}; every figure: {Markup.Escape(stem)}.json");
        return 0;
    }

    private static long[] Range(int start, int count) => Enumerable.Range(start, count).Select(i => (long)i).ToArray();

    private static StreamResult Run(ICorrectionMethod method, StreamData data, StreamOptions options, bool quiet)
    {
        if (quiet)
        {
            return CorrectionStream.Run(method, data, options);
        }
        StreamResult? result = null;
        AnsiConsole.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(method.Name), maxValue: options.Reports);
                result = CorrectionStream.Run(method, data, options, new SynchronousProgress<StreamProgress>(p => task.Value = p.Reports));
                task.Value = options.Reports;
            });
        return result!;
    }

    private static (string Name, LabeledImages Train, LabeledImages Test) LoadShift(LifelongSettings settings, LabeledImages cleanTrain, LabeledImages cleanTest)
    {
        if (settings.Shift.Contains(':'))
        {
            return (Path.GetFileName(settings.Shift.TrimEnd('/')), DataSources.Load(settings.Shift, DatasetSplit.Train), DataSources.Load(settings.Shift, DatasetSplit.Test));
        }
        var family = ImageShifts.Parse(settings.Shift);
        return (ImageShifts.NameOf(family), ImageShifts.Apply(family, cleanTrain, settings.ShiftSeed), ImageShifts.Apply(family, cleanTest, settings.ShiftSeed + 1));
    }

    private static Table SummaryTable(string shift, IReadOnlyList<LifelongSummary> rows)
    {
        var table = new Table().Title($"Lifelong correction, {Markup.Escape(shift)} shift")
            .AddColumns("method", "reports", "shifted start→end %", "gap closed", "worst rise pp", "clean Δ pp", "worst clean Δ pp", "retention %", "effective %", "views %", "compute s", "p50 / p99 ms");
        foreach (var r in rows)
        {
            table.AddRow(Markup.Escape(r.Method), r.Reports.ToString(), $"{r.ShiftedStartPct:F1} → {r.ShiftedEndPct:F1}", double.IsNaN(r.GapClosedPct) ? "–" : $"{r.GapClosedPct:F0} %",
                $"{r.WorstRisePp:F2}", $"{r.CleanDeltaPp:+0.00;-0.00;0.00}", $"{r.WorstCleanPp:+0.00;-0.00;0.00}", $"{r.RetentionPct:F1}", $"{r.EffectivePct:F1}", double.IsNaN(r.ViewsPct) ? "–" : $"{r.ViewsPct:F1}",
                $"{r.CorrectSeconds:F1}", $"{r.CorrectP50Ms:F1} / {r.CorrectP99Ms:F0}");
        }
        return table;
    }
}
