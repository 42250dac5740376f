using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// The memory Kestrel receives into, in blocks of <see cref="BlockBytes"/> instead of its own 4 KiB.
/// Kestrel's socket transport asks the pool for a block and receives into what it gets, so with
/// 4 KiB blocks a 100 MB upload is some 50,000 <c>recvfrom</c> calls of about 2 KiB each; with these
/// it is about 3,000, as large as the socket's buffer allows (bench/RESULTS.md has what that saves).
/// Blocks come from <see cref="ArrayPool{T}.Shared"/>, which trims what
/// sits unused; an idle connection holds none (Kestrel waits for data before it asks for a block).
/// Registered for the registry only: its requests carry model files, the gateway's small JSON.
/// </summary>
internal sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    public const int BlockBytes = 64 * 1024;

    public override int MaxBufferSize => BlockBytes;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockBytes);
        return new Block(ArrayPool<byte>.Shared.Rent(BlockBytes));
    }

    protected override void Dispose(bool disposing)
    {
    }

    /// <summary>One rented block; given back to the array pool once, however often it is disposed.</summary>
    private sealed class Block(byte[] array) : IMemoryOwner<byte>
    {
        private byte[]? _array = array;

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(Block));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } array)
            {
                ArrayPool<byte>.Shared.Return(array);
            }
        }
    }

    /// <summary>What Kestrel takes its pools from (<see cref="IMemoryPoolFactory{T}"/>, in the service container).</summary>
    public sealed class Factory : IMemoryPoolFactory<byte>
    {
        public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool();
    }
}
