using System.CommandLine;
using System.Runtime.InteropServices;
using HazChem.Transport.Simulator;

var root = SimulatorCommand.Create();
using var stop = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
return await root.Parse(args).InvokeAsync(cancellationToken: stop.Token);
