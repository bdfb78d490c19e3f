using Omnibus.Server.Cli;

return await OmnibusCli.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
