using DeviceRegistry.Cli;

return await DevReg.RunAsync(args, Console.Out, Console.Error);
