using System.CommandLine;
using Maestro.Cli;
using Maestro.Cli.Shell;

var environment = CliEnvironment.FromProcess();
return await CliApp.Create(environment).Parse(args).InvokeAsync(new InvocationConfiguration { Output = environment.Out, Error = environment.Error });
