using System.Text.Json;
using System.Text.Json.Serialization;

namespace MicroLua.Debugging;

// The Debug Adapter Protocol's message bodies that this adapter reads and writes, named and
// shaped as in the specification (https://microsoft.github.io/debug-adapter-protocol/specification).
// Serialisation is source-generated (DapJson below): no reflection, AOT- and trim-safe.

internal sealed class InitializeArguments
{
    public string? ClientId { get; set; }
    public string? AdapterId { get; set; }
    public bool LinesStartAt1 { get; set; } = true;
    public bool ColumnsStartAt1 { get; set; } = true;
    public string? PathFormat { get; set; }
}

internal sealed class ExceptionBreakpointsFilter
{
    public required string Filter { get; set; }
    public required string Label { get; set; }
    public string? Description { get; set; }
    public bool Default { get; set; }
}

internal sealed class Capabilities
{
    public bool SupportsConfigurationDoneRequest { get; set; }
    public bool SupportsConditionalBreakpoints { get; set; }
    public bool SupportsHitConditionalBreakpoints { get; set; }
    public bool SupportsLogPoints { get; set; }
    public bool SupportsEvaluateForHovers { get; set; }
    public bool SupportsSetVariable { get; set; }
    public bool SupportsExceptionInfoRequest { get; set; }
    public bool SupportsTerminateRequest { get; set; }
    public bool SupportsDelayedStackTraceLoading { get; set; }
    public ExceptionBreakpointsFilter[]? ExceptionBreakpointFilters { get; set; }
}

internal sealed class LaunchArguments
{
    public bool NoDebug { get; set; }
    public string? Program { get; set; }
    public string[]? Args { get; set; }
    public string? Cwd { get; set; }
    public bool StopOnEntry { get; set; }
}

internal sealed class Source
{
    public string? Name { get; set; }
    public string? Path { get; set; }
    public int? SourceReference { get; set; }
    public string? PresentationHint { get; set; }
    public string? Origin { get; set; }
}

internal sealed class SourceBreakpoint
{
    public int Line { get; set; }
    public int? Column { get; set; }
    public string? Condition { get; set; }
    public string? HitCondition { get; set; }
    public string? LogMessage { get; set; }
}

internal sealed class SetBreakpointsArguments
{
    public Source? Source { get; set; }
    public SourceBreakpoint[]? Breakpoints { get; set; }
    public int[]? Lines { get; set; }
}

internal sealed class Breakpoint
{
    public int? Id { get; set; }
    public bool Verified { get; set; }
    public string? Message { get; set; }
    public Source? Source { get; set; }
    public int? Line { get; set; }
}

internal sealed class SetBreakpointsResponseBody
{
    public required Breakpoint[] Breakpoints { get; set; }
}

internal sealed class SetExceptionBreakpointsArguments
{
    public string[]? Filters { get; set; }
}

internal sealed class ThreadArguments
{
    public int ThreadId { get; set; }
}

internal sealed class DapThread
{
    public int Id { get; set; }
    public required string Name { get; set; }
}

internal sealed class ThreadsResponseBody
{
    public required DapThread[] Threads { get; set; }
}

internal sealed class StackTraceArguments
{
    public int ThreadId { get; set; }
    public int? StartFrame { get; set; }
    public int? Levels { get; set; }
}

internal sealed class StackFrame
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public Source? Source { get; set; }
    public int Line { get; set; }
    public int Column { get; set; }
    public string? PresentationHint { get; set; }
}

internal sealed class StackTraceResponseBody
{
    public required StackFrame[] StackFrames { get; set; }
    public int TotalFrames { get; set; }
}

internal sealed class ScopesArguments
{
    public int FrameId { get; set; }
}

internal sealed class Scope
{
    public required string Name { get; set; }
    public string? PresentationHint { get; set; }
    public int VariablesReference { get; set; }
    public int? NamedVariables { get; set; }
    public bool Expensive { get; set; }
}

internal sealed class ScopesResponseBody
{
    public required Scope[] Scopes { get; set; }
}

internal sealed class VariablesArguments
{
    public int VariablesReference { get; set; }
    public string? Filter { get; set; }
    public int? Start { get; set; }
    public int? Count { get; set; }
}

internal sealed class Variable
{
    public required string Name { get; set; }
    public required string Value { get; set; }
    public string? Type { get; set; }
    public int VariablesReference { get; set; }
    public int? NamedVariables { get; set; }
    public int? IndexedVariables { get; set; }
    public string? EvaluateName { get; set; }
}

internal sealed class VariablesResponseBody
{
    public required Variable[] Variables { get; set; }
}

internal sealed class SetVariableArguments
{
    public int VariablesReference { get; set; }
    public string? Name { get; set; }
    public string? Value { get; set; }
}

internal sealed class SetVariableResponseBody
{
    public required string Value { get; set; }
    public string? Type { get; set; }
    public int VariablesReference { get; set; }
    public int? IndexedVariables { get; set; }
}

internal sealed class EvaluateArguments
{
    public string? Expression { get; set; }
    public int? FrameId { get; set; }
    public string? Context { get; set; }
}

internal sealed class EvaluateResponseBody
{
    public required string Result { get; set; }
    public string? Type { get; set; }
    public int VariablesReference { get; set; }
    public int? IndexedVariables { get; set; }
}

internal sealed class ContinueResponseBody
{
    public bool AllThreadsContinued { get; set; }
}

internal sealed class SourceArguments
{
    public Source? Source { get; set; }
    public int SourceReference { get; set; }
}

internal sealed class SourceResponseBody
{
    public required string Content { get; set; }
    public string? MimeType { get; set; }
}

internal sealed class DisconnectArguments
{
    public bool? TerminateDebuggee { get; set; }
}

internal sealed class ExceptionInfoResponseBody
{
    public required string ExceptionId { get; set; }
    public string? Description { get; set; }
    public required string BreakMode { get; set; }
}

internal sealed class StoppedEventBody
{
    public required string Reason { get; set; }
    public string? Description { get; set; }
    public int ThreadId { get; set; }
    public bool AllThreadsStopped { get; set; }
    public string? Text { get; set; }
    public int[]? HitBreakpointIds { get; set; }
}

internal sealed class OutputEventBody
{
    public required string Category { get; set; }
    public required string Output { get; set; }
}

internal sealed class ExitedEventBody
{
    public int ExitCode { get; set; }
}

internal sealed class BreakpointEventBody
{
    public required string Reason { get; set; }
    public required Breakpoint Breakpoint { get; set; }
}

internal sealed class ThreadEventBody
{
    public required string Reason { get; set; }
    public int ThreadId { get; set; }
}

internal sealed class EmptyBody
{
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = false,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(InitializeArguments))]
[JsonSerializable(typeof(Capabilities))]
[JsonSerializable(typeof(LaunchArguments))]
[JsonSerializable(typeof(SetBreakpointsArguments))]
[JsonSerializable(typeof(SetBreakpointsResponseBody))]
[JsonSerializable(typeof(SetExceptionBreakpointsArguments))]
[JsonSerializable(typeof(ThreadArguments))]
[JsonSerializable(typeof(ThreadsResponseBody))]
[JsonSerializable(typeof(StackTraceArguments))]
[JsonSerializable(typeof(StackTraceResponseBody))]
[JsonSerializable(typeof(ScopesArguments))]
[JsonSerializable(typeof(ScopesResponseBody))]
[JsonSerializable(typeof(VariablesArguments))]
[JsonSerializable(typeof(VariablesResponseBody))]
[JsonSerializable(typeof(SetVariableArguments))]
[JsonSerializable(typeof(SetVariableResponseBody))]
[JsonSerializable(typeof(EvaluateArguments))]
[JsonSerializable(typeof(EvaluateResponseBody))]
[JsonSerializable(typeof(ContinueResponseBody))]
[JsonSerializable(typeof(SourceArguments))]
[JsonSerializable(typeof(SourceResponseBody))]
[JsonSerializable(typeof(DisconnectArguments))]
[JsonSerializable(typeof(ExceptionInfoResponseBody))]
[JsonSerializable(typeof(StoppedEventBody))]
[JsonSerializable(typeof(OutputEventBody))]
[JsonSerializable(typeof(ExitedEventBody))]
[JsonSerializable(typeof(BreakpointEventBody))]
[JsonSerializable(typeof(ThreadEventBody))]
[JsonSerializable(typeof(EmptyBody))]
internal sealed partial class DapJson : JsonSerializerContext
{
}

/// <summary>A request as read from the wire: its envelope, and its arguments still as JSON.</summary>
internal sealed class DapRequest(int seq, string command, JsonElement arguments)
{
    public int Seq { get; } = seq;

    public string Command { get; } = command;

    /// <summary>The "arguments" member (undefined when absent).</summary>
    public JsonElement Arguments { get; } = arguments;
}

/// <summary>A request the adapter refuses: the message of its error response.</summary>
internal sealed class DapRequestException(string message) : Exception(message);
