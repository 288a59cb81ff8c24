using MicroLua.Memory;

namespace MicroLua;

/// <summary>
/// Templates: pristine states, as snapshots, that <see cref="LuaState(LuaOptions)"/> copies.
/// A state built from scratch interns every library name and builds every table, fixed-name
/// array and handle of its own (about 5 KB of managed memory, and tens of microseconds); a copy
/// of a snapshot shares those and costs a memcpy of the heap's used bytes. So a process that
/// makes a second state with the same settings keeps a template for them, and that state and
/// every later one are copies of it. The first state is always built from scratch: a host with
/// one state (mlua, a device) keeps no template and pays for none.
/// </summary>
public sealed unsafe partial class LuaState
{
    /// <summary>Settings a template is kept for at most: a host that cycles through more memory limits replaces the oldest.</summary>
    private const int MaxTemplates = 8;

    private static readonly object s_templatesLock = new();
    private static readonly TemplateEntry?[] s_templates = new TemplateEntry?[MaxTemplates];
    private static int s_nextTemplate;

    /// <summary>What the heap's bytes after construction depend on (with a require handler, package.searchers has one searcher more); everything else in the options is applied to each copy.</summary>
    private readonly record struct TemplateKey(long MemoryLimit, LuaLibraries Libraries, uint? HashSeed, int GcPause, int GcStepMultiplier, bool HostRequire);

    /// <summary>Settings seen once (Snapshot null) or with their template; Refused when a pristine state with them cannot be snapshotted.</summary>
    private sealed class TemplateEntry(TemplateKey key)
    {
        public readonly TemplateKey Key = key;
        public LuaSnapshot? Snapshot;
        public bool Refused;
    }

    /// <summary>The template for states made with <paramref name="options"/> (already checked), or null to build this one from scratch.</summary>
    private static LuaSnapshot? Template(LuaOptions options)
    {
        var key = new TemplateKey(options.MemoryLimit, options.Libraries, options.HashSeed, options.GcPause, options.GcStepMultiplier, options.Require != null);
        lock (s_templatesLock)
        {
            TemplateEntry? entry = null;
            foreach (TemplateEntry? e in s_templates)
            {
                if (e != null && e.Key == key)
                {
                    entry = e;
                    break;
                }
            }

            if (entry == null)
            {
                s_templates[s_nextTemplate] = new TemplateEntry(key);
                s_nextTemplate = (s_nextTemplate + 1) % MaxTemplates;
                return null;
            }

            if (entry.Snapshot == null && !entry.Refused)
            {
                entry.Snapshot = MakeTemplate(key);
                entry.Refused = entry.Snapshot == null;
            }

            return entry.Snapshot;
        }
    }

    /// <summary>A snapshot of a state built from scratch with the key's settings (a random seed fixed for the template when the key has none).</summary>
    private static LuaSnapshot? MakeTemplate(TemplateKey key)
    {
        var o = new LuaOptions
        {
            MemoryLimit = key.MemoryLimit,
            Libraries = key.Libraries,
            HashSeed = key.HashSeed ?? NewSeed(),
            GcPause = key.GcPause,
            GcStepMultiplier = key.GcStepMultiplier,
            Require = key.HostRequire ? static _ => null : null, // each copy gets its own handler
        };
        using var pristine = new LuaState(o, new Heap(CheckLimit(o.MemoryLimit)));
        try
        {
            return pristine.Snapshot();
        }
        catch (InvalidOperationException)
        {
            return null; // not expected of a pristine state; its settings are then built from scratch each time
        }
    }
}
