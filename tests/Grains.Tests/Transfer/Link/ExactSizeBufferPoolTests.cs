using EdgeCluster.Grains.Transfer.Link;

namespace EdgeCluster.Grains.Tests.Transfer.Link;

public sealed class ExactSizeBufferPoolTests
{
    [Fact]
    public void A_returned_array_is_rented_again_for_its_exact_length_only()
    {
        var pool = new ExactSizeBufferPool();
        var array = pool.Rent(1000);
        pool.Return(array);

        Assert.NotSame(array, pool.Rent(1001));
        Assert.Same(array, pool.Rent(1000));
        Assert.Equal(0, pool.PooledBytes);
        Assert.Equal(1, pool.Reused);
    }

    [Fact]
    public void The_pool_keeps_no_more_than_its_byte_budget()
    {
        var pool = new ExactSizeBufferPool(arraysPerSize: 8, maxPooledBytes: 2500);
        var arrays = Enumerable.Range(0, 3).Select(_ => pool.Rent(1000)).ToArray();

        foreach (var array in arrays)
        {
            pool.Return(array);
        }

        Assert.Equal(2000, pool.PooledBytes);
    }

    [Fact]
    public void The_pool_keeps_no_more_than_its_count_per_size()
    {
        var pool = new ExactSizeBufferPool(arraysPerSize: 2);
        var arrays = Enumerable.Range(0, 3).Select(_ => pool.Rent(10)).ToArray();

        foreach (var array in arrays)
        {
            pool.Return(array);
        }

        Assert.Equal(20, pool.PooledBytes);
    }
}
