using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/EdgeCluster.Benchmarks -- --filter '*'  (add --inProcess to skip the rebuild)
// The generated benchmark project rebuilds the whole solution graph, which takes minutes on a 2-core machine.
var config = ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(15));
BenchmarkSwitcher.FromAssembly(typeof(EdgeCluster.Benchmarks.ActivationCodecBenchmarks).Assembly).Run(args, config);
