using System;
using Marketplace.Client.Cli;
using Spectre.Console;

return await SampleApp.RunAsync(args, AnsiConsole.Console, Console.Error, Environment.GetEnvironmentVariable).ConfigureAwait(false);
