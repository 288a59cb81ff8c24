using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace MicroLua.Values;

/// <summary>
/// .NET objects that Lua values stand for (host functions, the payloads of userdata,
/// per-coroutine frame stacks) live here on the managed side; the heap stores only their
/// index. Free slots are chained through a free list so that indices are reused.
///
/// States made from one snapshot share the snapshot's arrays until one of them adds or
/// releases a handle (copy on write): an idle state costs no handle memory of its own.
/// </summary>
internal sealed class HandleTable
{
    private object?[] _items;
    private int[] _nextFree;
    private int _freeHead = -1;
    private int _count;
    private bool _shared; // the arrays belong to a snapshot: copy them before any change

    public HandleTable()
    {
        _items = new object?[16];
        _nextFree = []; // made by the first release: a state that never releases a handle holds no free list
    }

    /// <summary>A table that shares <paramref name="from"/>'s arrays until its first change (from a frozen table).</summary>
    public HandleTable(HandleTable from)
    {
        _items = from._items;
        _nextFree = from._nextFree;
        _freeHead = from._freeHead;
        _count = from._count;
        Count = from.Count;
        _shared = true;
    }

    /// <summary>A frozen copy whose arrays tables made with <see cref="HandleTable(HandleTable)"/> share; <paramref name="map"/> says what each object becomes in it.</summary>
    public HandleTable Freeze(Func<object, object> map)
    {
        var t = new HandleTable(this)
        {
            _items = new object?[Math.Max(_count, 1)],
            _nextFree = (int[])_nextFree.Clone(),
            _freeHead = _freeHead,
            _count = _count,
            Count = Count,
            _shared = true,
        };
        for (int i = 0; i < _count; i++)
        {
            t._items[i] = _items[i] is { } o ? map(o) : null;
        }

        return t;
    }

    /// <summary>A frozen table holding <paramref name="slots"/> (null = free), as read from an image.</summary>
    public static HandleTable FromSlots(object?[] slots)
    {
        var t = new HandleTable(new HandleTable())
        {
            _items = slots.Length == 0 ? new object?[1] : slots,
            _nextFree = new int[Math.Max(slots.Length, 1)],
            _count = slots.Length,
            Count = 0,
        };
        for (int i = slots.Length - 1; i >= 0; i--)
        {
            if (slots[i] == null)
            {
                t._nextFree[i] = t._freeHead;
                t._freeHead = i;
            }
            else
            {
                t.Count++;
            }
        }

        return t;
    }

    /// <summary>Number of slots ever used (live or free).</summary>
    public int Capacity => _count;

    /// <summary>The object in slot <paramref name="index"/>, or null when the slot is free.</summary>
    public object? At(int index) => _items[index];

    /// <summary>Replaces the object of a live slot (a state made from a snapshot gets its own coroutines).</summary>
    public void Replace(int index, object item)
    {
        Unshare();
        _items[index] = item;
    }

    private void Unshare()
    {
        if (_shared)
        {
            _items = (object?[])_items.Clone();
            _nextFree = (int[])_nextFree.Clone();
            _shared = false;
        }
    }

    /// <summary>Number of live handles.</summary>
    public int Count { get; private set; }

    public int Add(object item)
    {
        Unshare();
        int index;
        if (_freeHead >= 0)
        {
            index = _freeHead;
            _freeHead = _nextFree[index];
        }
        else
        {
            if (_count >= _items.Length)
            {
                Array.Resize(ref _items, Math.Max(16, _count * 2));
            }

            index = _count++;
        }

        _items[index] = item;
        Count++;
        return index;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // every host call and coroutine switch looks up a handle
    public object Get(int index) => _items[index] ?? Released(index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Get<T>(int index) where T : class => (T)Get(index);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)] // the message's formatting stays out of Get's frame
    private static object Released(int index) => throw new InvalidOperationException($"handle {index} was released");

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

        Unshare();
        _items[index] = null;
        if (index >= _nextFree.Length)
        {
            Array.Resize(ref _nextFree, _items.Length);
        }

        _nextFree[index] = _freeHead;
        _freeHead = index;
        Count--;
    }
}
