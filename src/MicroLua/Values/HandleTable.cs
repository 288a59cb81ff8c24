namespace MicroLua.Values;

/// <summary>
/// .NET objects that Lua values stand for (host functions, the payloads of userdata,
/// per-coroutine frame stacks) live here on the managed side; the heap stores only their
/// index. Free slots are chained through a free list so that indices are reused.
/// </summary>
internal sealed class HandleTable
{
    private object?[] _items = new object?[16];
    private int[] _nextFree = new int[16];
    private int _freeHead = -1;
    private int _count;

    /// <summary>Number of live handles.</summary>
    public int Count { get; private set; }

    public int Add(object item)
    {
        int index;
        if (_freeHead >= 0)
        {
            index = _freeHead;
            _freeHead = _nextFree[index];
        }
        else
        {
            if (_count == _items.Length)
            {
                Array.Resize(ref _items, _count * 2);
                Array.Resize(ref _nextFree, _count * 2);
            }

            index = _count++;
        }

        _items[index] = item;
        Count++;
        return index;
    }

    public object Get(int index) => _items[index] ?? throw new InvalidOperationException($"handle {index} was released");

    public T Get<T>(int index) where T : class => (T)Get(index);

    public bool IsLive(int index) => index >= 0 && index < _count && _items[index] != null;

    /// <summary>The live objects (for closing a state).</summary>
    public IEnumerable<object> LiveItems()
    {
        for (int i = 0; i < _count; i++)
        {
            if (_items[i] is { } item)
            {
                yield return item;
            }
        }
    }

    public void Release(int index)
    {
        if (_items[index] == null)
        {
            return;
        }

        _items[index] = null;
        _nextFree[index] = _freeHead;
        _freeHead = index;
        Count--;
    }
}
