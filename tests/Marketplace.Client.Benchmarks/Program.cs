using BenchmarkDotNet.Running;
using Marketplace.Client.Benchmarks;

// dotnet run -c Release --project tests/Marketplace.Client.Benchmarks -- --filter '*'   (BenchmarkDotNet)
// dotnet run -c Release --project tests/Marketplace.Client.Benchmarks -- memory         (live memory, 10k vs 100k items)
if (args.Length > 0 && args[0] == "memory") return await MemoryProbe.RunAsync();
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
