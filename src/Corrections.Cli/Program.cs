// Before anything touches libtorch: malloc tuning and its log level (see NativeRuntime).
Corrections.Editing.NativeRuntime.Prepare();

// Redirected output (CI logs, `| tee`) would otherwise be wrapped at 80 columns, which tables do not survive.
if (!Spectre.Console.AnsiConsole.Profile.Capabilities.Interactive)
{
    Spectre.Console.AnsiConsole.Profile.Width = Math.Max(Spectre.Console.AnsiConsole.Profile.Width, 140);
}

return await Corrections.Cli.CorrectionsApp.Create().RunAsync(args);
