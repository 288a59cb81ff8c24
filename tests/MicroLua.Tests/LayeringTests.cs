using System.Text.RegularExpressions;
using MicroLua.Tests.Scripts;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MicroLua.Tests;

/// <summary>
/// Holds the walls of docs/architecture.md ("Layers and their walls"): the sources of the
/// runtime and the compiler are bound with Roslyn, and every name a file uses is traced to
/// the file that declares it, so a new reference across a wall fails here with its place.
/// </summary>
public sealed partial class LayeringTests
{
    /// <summary>The runtime's folders, each allowed to use only those before it (the root, the public door, last).</summary>
    internal static readonly string[] RuntimeLayers = ["Core", "Memory", "Values", "Gc", "Vm", "Bytecode", "Library", ""];

    /// <summary>What the compiler may use of the runtime: Core, Bytecode and the instruction set.</summary>
    private static readonly string[] CompilerMayUse = ["Core/", "Bytecode/", "Vm/OpCode.cs", "Vm/Instruction.cs"];

    /// <summary>Types that reach the file system or other processes: the runtime leaves them to MicroLua.Host.</summary>
    private static readonly string[] OperatingSystemTypes =
    [
        "System.IO.File", "System.IO.Directory", "System.IO.FileInfo", "System.IO.DirectoryInfo",
        "System.IO.FileStream", "System.IO.Path",
        "System.Diagnostics.Process",
    ];

    private static readonly Lazy<Sources> s_sources = new(Sources.Load);

    [Fact]
    public void EachRuntimeFolder_NeverUsesAFolderAfterIt()
    {
        List<string> violations = [];
        Sources src = s_sources.Value;
        foreach ((string file, string used, string where) in src.References("src/MicroLua/"))
        {
            if (!used.StartsWith("src/MicroLua/", StringComparison.Ordinal))
            {
                continue;
            }

            int from = LayerOf(file), to = LayerOf(used);
            if (to > from)
            {
                violations.Add($"{where}: {Folder(file)} uses {used} ({Folder(used)})");
            }
        }

        foreach ((string file, string ns, string where) in src.Imports("src/MicroLua/"))
        {
            int to = LayerOfNamespace(ns);
            if (to > LayerOf(file))
            {
                violations.Add($"{where}: {Folder(file)} imports {ns}");
            }
        }

        Assert.True(violations.Count == 0, string.Join('\n', violations.Distinct()));
        Assert.True(src.ReferenceCount > 10_000, $"only {src.ReferenceCount} references bound: the walk is not seeing the code");
    }

    [Fact]
    public void Core_NeverUsesAnotherPartOfTheRuntime()
    {
        // Implied by the order, spelled out because Core is the leaf everything else calls:
        // no heap, no values' objects, no VM.
        List<string> violations = [];
        foreach ((string file, string used, string where) in s_sources.Value.References("src/MicroLua/Core/"))
        {
            if (used.StartsWith("src/", StringComparison.Ordinal) && !used.StartsWith("src/MicroLua/Core/", StringComparison.Ordinal))
            {
                violations.Add($"{where}: uses {used}");
            }
        }

        Assert.True(violations.Count == 0, string.Join('\n', violations.Distinct()));
    }

    [Fact]
    public void TheCompiler_NeverUsesTheHeapTheValuesTheCollectorTheInterpreterOrTheLibraries()
    {
        List<string> violations = [];
        foreach ((string file, string used, string where) in s_sources.Value.References("src/MicroLua.Compiler/"))
        {
            if (used.StartsWith("src/MicroLua/", StringComparison.Ordinal)
                && !CompilerMayUse.Any(p => used.StartsWith("src/MicroLua/" + p, StringComparison.Ordinal)))
            {
                violations.Add($"{where}: uses {used}");
            }
        }

        Assert.True(violations.Count == 0, string.Join('\n', violations.Distinct()));
    }

    [Fact]
    public void TheRuntime_NeverReachesTheFileSystemOrOtherProcesses()
    {
        List<string> violations = [];
        foreach ((string file, string used, string where) in s_sources.Value.MetadataReferences("src/MicroLua/"))
        {
            if (OperatingSystemTypes.Contains(used))
            {
                violations.Add($"{where}: uses {used}");
            }
        }

        Assert.True(violations.Count == 0, string.Join('\n', violations.Distinct()));
    }

    [Fact]
    public void TheRuntime_NeverReferencesTheCompiler_AndTheDebuggerSeesOnlyThePublicApi()
    {
        string runtime = File.ReadAllText(Path.Combine(Sources.Root, "src/MicroLua/MicroLua.csproj"));
        Assert.DoesNotMatch(ProjectReferencePattern(), runtime);
        Assert.DoesNotContain("InternalsVisibleTo Include=\"MicroLua.Debugging\"", runtime, StringComparison.Ordinal);
    }

    private static int LayerOf(string file)
    {
        string rest = file["src/MicroLua/".Length..];
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        return Array.IndexOf(RuntimeLayers, slash < 0 ? "" : rest[..slash]);
    }

    private static string Folder(string file) => LayerOf(file) is int i && RuntimeLayers[i] is { Length: > 0 } f ? f + "/" : "the root";

    private static int LayerOfNamespace(string ns) =>
        ns == "MicroLua" ? RuntimeLayers.Length - 1
        : ns.StartsWith("MicroLua.", StringComparison.Ordinal) ? Array.IndexOf(RuntimeLayers, ns["MicroLua.".Length..]) : -1;

    [GeneratedRegex("<ProjectReference")]
    private static partial Regex ProjectReferencePattern();

    /// <summary>The runtime's and the compiler's sources, parsed and bound as one compilation.</summary>
    private sealed class Sources
    {
        private readonly CSharpCompilation _compilation;
        private readonly Dictionary<SyntaxTree, string> _files;

        public static string Root => Path.GetDirectoryName(Path.GetDirectoryName(GoldenScriptTests.ScriptDirectory))!;

        /// <summary>How many names were bound to a type: a guard against a walk that sees nothing.</summary>
        public int ReferenceCount => _uses.Count;

        private readonly List<Use> _uses;

        private Sources(CSharpCompilation compilation, Dictionary<SyntaxTree, string> files)
        {
            _compilation = compilation;
            _files = files;
            _uses = BindUses();
        }

        public static Sources Load()
        {
            var options = new CSharpParseOptions(LanguageVersion.Preview);
            List<SyntaxTree> trees =
            [
                CSharpSyntaxTree.ParseText(
                    "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; global using System.Threading; global using System.Threading.Tasks;",
                    options, "implicit-usings.cs"),
            ];
            Dictionary<SyntaxTree, string> files = [];
            foreach (string project in new[] { "src/MicroLua", "src/MicroLua.Compiler" })
            {
                string dir = Path.Combine(Root, project);
                foreach (string path in Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories))
                {
                    string rel = Path.GetRelativePath(Root, path).Replace('\\', '/');
                    if (rel.Contains("/obj/", StringComparison.Ordinal) || rel.Contains("/bin/", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    SyntaxTree tree = CSharpSyntaxTree.ParseText(File.ReadAllText(path), options, rel);
                    trees.Add(tree);
                    files[tree] = rel;
                }
            }

            string tpa = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
            IEnumerable<MetadataReference> refs = tpa.Split(Path.PathSeparator)
                .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
                .Select(p => MetadataReference.CreateFromFile(p));
            var compilation = CSharpCompilation.Create(
                "Layering", trees, refs,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
            return new Sources(compilation, files);
        }

        /// <summary>Every use, in files under <paramref name="prefix"/>, of a type declared in the sources: (file, declaring file of the type, place).</summary>
        public IEnumerable<(string File, string Used, string Where)> References(string prefix) =>
            _uses.Where(u => u.File.StartsWith(prefix, StringComparison.Ordinal) && u.DeclaredIn != null && u.DeclaredIn != u.File)
                .Select(u => (u.File, u.DeclaredIn!, u.Where));

        /// <summary>Every use, in files under <paramref name="prefix"/>, of a type from an assembly: (file, full type name, place).</summary>
        public IEnumerable<(string File, string Used, string Where)> MetadataReferences(string prefix) =>
            _uses.Where(u => u.File.StartsWith(prefix, StringComparison.Ordinal) && u.DeclaredIn == null)
                .Select(u => (u.File, u.TypeName, u.Where));

        /// <summary>Every <c>using MicroLua.X;</c> in files under <paramref name="prefix"/>.</summary>
        public IEnumerable<(string File, string Namespace, string Where)> Imports(string prefix)
        {
            foreach ((SyntaxTree tree, string file) in _files)
            {
                if (!file.StartsWith(prefix, StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (UsingDirectiveSyntax u in tree.GetRoot().DescendantNodes().OfType<UsingDirectiveSyntax>())
                {
                    if (u.Name != null && u.StaticKeyword.IsKind(SyntaxKind.None) && u.Alias == null)
                    {
                        yield return (file, u.Name.ToString(), Where(file, u));
                    }
                }
            }
        }

        /// <summary>The outermost type behind every name each file uses (a type, or the type declaring a member), bound once.</summary>
        private List<Use> BindUses()
        {
            List<Use> uses = [];
            foreach ((SyntaxTree tree, string file) in _files)
            {
                SemanticModel model = _compilation.GetSemanticModel(tree);
                foreach (SimpleNameSyntax name in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
                {
                    if (name.Parent is UsingDirectiveSyntax or QualifiedNameSyntax { Parent: UsingDirectiveSyntax })
                    {
                        continue;
                    }

                    SymbolInfo info = model.GetSymbolInfo(name);
                    ISymbol? symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
                    INamedTypeSymbol? owner = symbol is IAliasSymbol alias ? alias.Target as INamedTypeSymbol : symbol as INamedTypeSymbol ?? symbol?.ContainingType;
                    while (owner?.ContainingType != null)
                    {
                        owner = owner.ContainingType;
                    }

                    if (owner == null)
                    {
                        continue;
                    }

                    owner = owner.OriginalDefinition;
                    string? declaredIn = null;
                    foreach (SyntaxReference decl in owner.DeclaringSyntaxReferences)
                    {
                        if (_files.TryGetValue(decl.SyntaxTree, out string? f))
                        {
                            declaredIn = f;
                            if (f == file)
                            {
                                break;
                            }
                        }
                    }

                    uses.Add(new Use(file, declaredIn, owner.ToDisplayString(TypeNameFormat), Where(file, name)));
                }
            }

            return uses;
        }

        private static readonly SymbolDisplayFormat TypeNameFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted)
            .WithGenericsOptions(SymbolDisplayGenericsOptions.None);

        /// <summary>One name a file uses: the type behind it, declared in one of the sources (DeclaredIn) or in an assembly.</summary>
        private readonly record struct Use(string File, string? DeclaredIn, string TypeName, string Where);

        private static string Where(string file, SyntaxNode node) =>
            $"{file}:{node.GetLocation().GetLineSpan().StartLinePosition.Line + 1}";
    }
}
