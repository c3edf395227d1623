System.Console.WriteLine(Corrections.Editing.Probe.Run());
