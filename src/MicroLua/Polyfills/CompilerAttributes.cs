#if NETSTANDARD2_1
// The attributes the C# compiler needs for init accessors, records, required members and SkipLocalsInit: .NET 5+
// ships them, netstandard2.1 (Unity) does not, and the compiler finds them by name in any
// assembly. Internal, so no user of the runtime sees them; MicroLua.Compiler and MicroLua.Host
// reach them through InternalsVisibleTo.
namespace System.Runtime.CompilerServices
{
    /// <summary>Marks an init accessor (the compiler's modreq); shipped by .NET 5+.</summary>
    internal static class IsExternalInit
    {
    }

    /// <summary>Marks a type or member with required members (C# 11); shipped by .NET 7+.</summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    internal sealed class RequiredMemberAttribute : Attribute
    {
    }

    /// <summary>Names a compiler feature a consumer must understand (C# 11); shipped by .NET 7+.</summary>
    [AttributeUsage(AttributeTargets.All, AllowMultiple = true, Inherited = false)]
    internal sealed class CompilerFeatureRequiredAttribute(string featureName) : Attribute
    {
        public string FeatureName { get; } = featureName;

        public bool IsOptional { get; init; }
    }

    /// <summary>Leaves a method's locals uninitialised (the loop's frame, see Interpreter.Run); shipped by .NET 5+.</summary>
    [AttributeUsage(AttributeTargets.Module | AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Constructor | AttributeTargets.Method | AttributeTargets.Property | AttributeTargets.Event, Inherited = false)]
    internal sealed class SkipLocalsInitAttribute : Attribute
    {
    }
}

namespace System.Diagnostics.CodeAnalysis
{
    /// <summary>Says a constructor sets every required member (C# 11); shipped by .NET 7+.</summary>
    [AttributeUsage(AttributeTargets.Constructor, AllowMultiple = false, Inherited = false)]
    internal sealed class SetsRequiredMembersAttribute : Attribute
    {
    }
}
#endif
