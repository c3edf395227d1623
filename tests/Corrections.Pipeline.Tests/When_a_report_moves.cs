using System.Text.RegularExpressions;
using Corrections.Registry.Entities;

namespace Corrections.Pipeline.Tests;

public partial class When_a_report_moves
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static Report Received() => new() { ReportId = Guid.NewGuid(), ModelName = "m", Source = "s" };

    private static Report Edited()
    {
        var report = Received();
        report.MarkEdited(7, At);
        return report;
    }

    private static Report Backlogged()
    {
        var report = Received();
        report.Backlog(BacklogCause.Overload, "overload: 1000 wait");
        return report;
    }

    [Fact]
    public void Should_start_received()
    {
        var report = Received();

        Assert.Equal(ReportStatus.Received, report.Status);
        Assert.False(report.EditAlone);
    }

    [Fact]
    public void Should_be_rejected_at_ingest_with_its_reason()
    {
        var report = Received();

        report.Reject("shape-mismatch: [1, 2]");

        Assert.Equal(ReportStatus.Rejected, report.Status);
        Assert.Equal("shape-mismatch: [1, 2]", report.RejectionReason);
    }

    [Fact]
    public void Should_be_edited_into_a_candidate()
    {
        var report = Edited();

        Assert.Equal(ReportStatus.Edited, report.Status);
        Assert.Equal(7, report.VersionId);
        Assert.Equal(At, report.EditedAt);
    }

    [Fact]
    public void Should_be_applied_when_its_candidate_is_promoted()
    {
        var report = Edited();

        report.Apply(At.AddSeconds(1));

        Assert.Equal(ReportStatus.Applied, report.Status);
        Assert.Equal(7, report.VersionId);
        Assert.Equal(At.AddSeconds(1), report.AppliedAt);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Should_be_backlogged_with_a_cause(bool afterAnEdit)
    {
        var report = afterAnEdit ? Edited() : Received();

        report.Backlog(BacklogCause.ConflictsWithEarlier, "conflicts-with-earlier: label 3");

        Assert.Equal(ReportStatus.Backlogged, report.Status);
        Assert.Equal(BacklogCause.ConflictsWithEarlier, report.BacklogCause);
        Assert.Equal("conflicts-with-earlier: label 3", report.BacklogReason);
    }

    [Fact]
    public void Should_be_sent_back_to_be_edited_alone()
    {
        var report = Edited();

        report.SendBackAlone(At.AddSeconds(2));

        Assert.Equal(ReportStatus.Received, report.Status);
        Assert.True(report.EditAlone);
        Assert.Equal(At.AddSeconds(2), report.SentBackAt);
        Assert.Null(report.VersionId);
        Assert.Null(report.EditedAt);
    }

    [Fact]
    public void Should_forget_edit_alone_once_decided()
    {
        var applied = Edited();
        applied.SendBackAlone(At);
        applied.MarkEdited(8, At);
        applied.Apply(At);
        var backlogged = Edited();
        backlogged.SendBackAlone(At);
        backlogged.MarkEdited(8, At);
        backlogged.Backlog(BacklogCause.CandidateRejected, "candidate v8 rejected: drawdown");

        Assert.False(applied.EditAlone);
        Assert.False(backlogged.EditAlone);
    }

    [Fact]
    public void Should_be_applied_by_the_retrain_that_folded_it_in()
    {
        var report = Backlogged();

        report.ApplyFolded(12, At);

        Assert.Equal(ReportStatus.Applied, report.Status);
        Assert.Equal(12, report.VersionId);
    }

    [Fact]
    public void Should_refuse_every_move_the_lifecycle_does_not_hold()
    {
        var refused = new (string Move, Func<Report> Start, Action<Report> Make)[]
        {
            ("Apply a received report", Received, r => r.Apply(At)),
            ("Withdraw a received report", Received, r => r.Withdraw("never applied")),
            ("Review an edited report alone", Edited, r => r.ReviewAlone()),
            ("Withdraw a backlogged report", Backlogged, r => r.Withdraw("again")),
            ("Edit an edited report again", Edited, r => r.MarkEdited(9, At)),
            ("Send a received report back", Received, r => r.SendBackAlone(At)),
            ("Backlog a backlogged report", Backlogged, r => r.Backlog(BacklogCause.EditorFailed, "again")),
            ("Apply a backlogged report as an edit", Backlogged, r => r.Apply(At)),
            ("Fold an edited report", Edited, r => r.ApplyFolded(3, At)),
        };
        foreach (var (move, start, make) in refused)
        {
            var report = start();
            var status = report.Status;

            var error = Record.Exception(() => make(report));

            Assert.True(error is InvalidReportMoveException, $"{move}: {error?.GetType().Name ?? "allowed"}");
            Assert.Equal(status, report.Status);
        }
    }

    [Fact]
    public void Should_match_the_readme_state_diagram()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var block = Regex.Match(readme, "<!-- report-lifecycle -->(.*?)<!-- /report-lifecycle -->", RegexOptions.Singleline);
        Assert.True(block.Success, "README.md has no <!-- report-lifecycle --> block");

        var documented = MoveLine().Matches(block.Groups[1].Value)
            .Select(m => (Parse(m.Groups["from"].Value), Parse(m.Groups["to"].Value), m.Groups["move"].Value))
            .ToHashSet();

        Assert.Equal(ReportLifecycle.Moves.ToHashSet(), documented);
    }

    private static ReportStatus Parse(string status) => Enum.Parse<ReportStatus>(status, ignoreCase: true);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Corrections.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("Corrections.sln not found above the test's directory.");
    }

    [GeneratedRegex(@"^\s*(?<from>[a-z]+) → (?<to>[a-z]+)\s+(?<move>[A-Za-z]+)", RegexOptions.Multiline)]
    private static partial Regex MoveLine();
}
