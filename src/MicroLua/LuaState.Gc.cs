using System.Diagnostics;
using MicroLua.Core;

namespace MicroLua;

/// <summary>The host's controls of the collector: mode, parameters, budgeted steps.</summary>
public sealed partial class LuaState
{
    /// <summary>
    /// The collector's mode. Setting <see cref="LuaGcMode.Incremental"/> or
    /// <see cref="LuaGcMode.Generational"/> is what <c>collectgarbage</c> with that option does
    /// (and leaves manual mode); <see cref="LuaGcMode.Manual"/> keeps the algorithm and stops
    /// the automatic steps.
    /// </summary>
    public LuaGcMode GcMode
    {
        get => _rt.Collector.Manual ? LuaGcMode.Manual
            : _rt.Collector.Mode == Gc.GcMode.Generational ? LuaGcMode.Generational : LuaGcMode.Incremental;
        set
        {
            switch (value)
            {
                case LuaGcMode.Incremental:
                    _rt.Collector.SetIncremental();
                    _rt.Collector.Manual = false;
                    break;
                case LuaGcMode.Generational:
                    _rt.Collector.SetGenerational();
                    _rt.Collector.Manual = false;
                    break;
                case LuaGcMode.Manual:
                    _rt.Collector.Manual = true;
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(value));
            }
        }
    }

    /// <summary>Lua's pause, in percent (default 200): a cycle starts when memory in use reaches this share of the use after the last one.</summary>
    public int GcPause
    {
        get => _g.GcPause;
        set => _rt.Collector.SetPause(value);
    }

    /// <summary>Lua's step multiplier, in percent (default 100): how much work a step does for each byte allocated.</summary>
    public int GcStepMultiplier
    {
        get => _g.GcStepMul;
        set => _rt.Collector.SetStepMul(value);
    }

    /// <summary>Lua's step size, log2 of bytes (default 13): an automatic step comes after every 2^GcStepSize bytes allocated.</summary>
    public int GcStepSize
    {
        get => _rt.Collector.StepSize;
        set => _rt.Collector.SetStepSize(value);
    }

    /// <summary>What the collector has done since the state was made: work, time, longest pause, collections.</summary>
    public LuaGcStatistics GcStatistics
    {
        get
        {
            Gc.Collector c = _rt.Collector;
            return new LuaGcStatistics(
                c.WorkDone,
                Stopwatch.GetElapsedTime(0, c.TimeTicks),
                Stopwatch.GetElapsedTime(0, c.MaxStepTicks),
                c.Steps,
                c.MinorCollections,
                c.MajorCollections);
        }
    }

    /// <summary>Whether a collection cycle is under way (false between cycles).</summary>
    public bool GcCycleInProgress => _rt.Collector.Phase != Gc.GcPhase.Pause;

    /// <summary>
    /// One collector step of about <paramref name="work"/> units (a unit is a slot traversed
    /// or a block swept; Lua's step of "step", 0 is 2^GcStepSize / 16 × GcStepMultiplier / 100
    /// units), in any mode; then any finalizers that became due. Returns true when a cycle
    /// ended within the step.
    /// </summary>
    public bool GcStep(long work)
    {
        ApiScope s = Enter();
        try
        {
            return _rt.Collector.StepWork(work);
        }
        catch (LuaError e)
        {
            throw Fail(s, e);
        }
        finally
        {
            Leave(s);
        }
    }

    /// <summary>
    /// Collector steps until <paramref name="budget"/> has passed or a cycle ends (in slices
    /// of 1,024 units, so the budget is overrun by at most one slice or one atomic phase).
    /// Returns true when a cycle ended.
    /// </summary>
    public bool GcStep(TimeSpan budget)
    {
        ApiScope s = Enter();
        try
        {
            long end = Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency);
            do
            {
                if (_rt.Collector.StepWork(1024))
                {
                    return true;
                }
            }
            while (Stopwatch.GetTimestamp() < end);

            return false;
        }
        catch (LuaError e)
        {
            throw Fail(s, e);
        }
        finally
        {
            Leave(s);
        }
    }
}
