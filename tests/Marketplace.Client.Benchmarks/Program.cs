using BenchmarkDotNet.Running;
using Marketplace.Client.Benchmarks;

// dotnet run -c Release --project tests/Marketplace.Client.Benchmarks -- --filter '*'   (BenchmarkDotNet)
// dotnet run -c Release --project tests/Marketplace.Client.Benchmarks -- memory         (live memory, 10k vs 100k items)
// dotnet run -c Release --project tests/Marketplace.Client.Benchmarks -- compare <previous checkout>   (listing, two builds in one run)
if (args.Length > 0 && args[0] == "memory") return await MemoryProbe.RunAsync();
if (args.Length > 1 && args[0] == "compare") return HeadComparison.Run(args[1]);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
