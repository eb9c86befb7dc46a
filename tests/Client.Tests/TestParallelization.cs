// Each test starts CPU-heavy CLI processes (silo fleets, ONNX runs); run one at a time so that on a
// two-core machine no fleet misses its join deadline because another test's processes hog the cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
