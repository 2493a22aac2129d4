using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace MultiTeacher.Cli.Tests.Code;

/// <summary>
/// Reads IL to find calls that make a TorchSharp Scalar implicitly: <c>Scalar.op_Implicit</c> (a number passed where a
/// Scalar is expected), TorchSharp's one-argument overloads that pass alpha = 1 (<c>add(b)</c>, <c>add_(s)</c>,
/// <c>addcdiv(a, b)</c>), and every TorchSharp method that reaches one of these in its own IL, however
/// deep (<c>square()</c> is <c>pow(2)</c>). TorchSharp's methods are told apart by type, name and parameter type names.
/// </summary>
internal sealed class ImplicitScalarScanner
{
    private static readonly HashSet<(string Name, string Parameters)> s_implicitOverloads =
    [
        ("add", "Tensor"), ("add", "Scalar"), ("add_", "Tensor"), ("add_", "Scalar"), ("addcdiv", "Tensor, Tensor"), ("addcdiv_", "Tensor, Tensor"),
    ];

    private static readonly OpCode[] s_oneByte = new OpCode[256], s_twoByte = new OpCode[256];

    /// <summary>TorchSharp methods (type, name, parameter types) that make an implicit Scalar, with the reason.</summary>
    private readonly Dictionary<(string Type, string Name, string Parameters), string> _risky = [];

    static ImplicitScalarScanner()
    {
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var code = (OpCode)field.GetValue(null)!;
            (code.Size == 1 ? s_oneByte : s_twoByte)[code.Value & 0xFF] = code;
        }
    }

    /// <summary>Reads TorchSharp.dll and finds its methods that make an implicit Scalar (to a fixed point).</summary>
    public ImplicitScalarScanner(string torchSharpPath)
    {
        using var pe = new PEReader(File.OpenRead(torchSharpPath));
        var reader = pe.GetMetadataReader();
        var calls = Methods(pe, reader).GroupBy(m => m.Key)
            .ToDictionary(g => g.Key, g => g.SelectMany(m => m.Callees).Select(c => Callee(reader, c)).OfType<(string, string, string)>().ToList());
        foreach (var key in s_implicitOverloads)
        {
            _risky[("Tensor", key.Name, key.Parameters)] = "an implicit Scalar 1 inside";
        }

        foreach (var (type, name, parameters) in calls.Keys.Where(k => k is ("Scalar", "op_Implicit", _)))
        {
            _risky[(type, name, parameters)] = "a number passed as a Scalar";
        }
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var (method, callees) in calls)
            {
                if (!_risky.ContainsKey(method) && callees.FirstOrDefault(_risky.ContainsKey) is { Item1: not null } callee)
                {
                    _risky[method] = $"calls {callee.Item1}.{callee.Item2}";
                    changed = true;
                }
            }
        }
    }

    /// <summary>Each call of ours to a risky TorchSharp method, as "Type.Method → Type.callee (why)".</summary>
    public IEnumerable<string> CallsIn(string assemblyPath)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var reader = pe.GetMetadataReader();
        foreach (var method in Methods(pe, reader))
        {
            foreach (var token in method.Callees)
            {
                if (IsTorchSharpReference(reader, token) && Callee(reader, token) is { } callee && _risky.TryGetValue(callee, out var why))
                {
                    yield return $"{method.Key.Type}.{method.Key.Name} → {callee.Type}.{callee.Name} ({why})";
                }
            }
        }
    }

    private static IEnumerable<((string Type, string Name, string Parameters) Key, List<EntityHandle> Callees)> Methods(PEReader pe, MetadataReader reader)
    {
        foreach (var typeHandle in reader.TypeDefinitions)
        {
            var type = reader.GetTypeDefinition(typeHandle);
            foreach (var methodHandle in type.GetMethods())
            {
                var method = reader.GetMethodDefinition(methodHandle);
                var callees = method.RelativeVirtualAddress == 0 ? [] : CalledTokens(pe.GetMethodBody(method.RelativeVirtualAddress).GetILBytes()!)
                    .Select(t => MetadataTokens.EntityHandle(t)).ToList();
                yield return ((reader.GetString(type.Name), reader.GetString(method.Name), SignatureNames.Parameters(reader, method.Signature)), callees);
            }
        }
    }

    /// <summary>The called method as (type, name, argument count), for method definitions and references.</summary>
    private static (string Type, string Name, string Parameters)? Callee(MetadataReader reader, EntityHandle handle)
    {
        if (handle.Kind == HandleKind.MethodSpecification)
        {
            handle = reader.GetMethodSpecification((MethodSpecificationHandle)handle).Method;
        }

        switch (handle.Kind)
        {
            case HandleKind.MethodDefinition:
                var definition = reader.GetMethodDefinition((MethodDefinitionHandle)handle);
                var owner = reader.GetTypeDefinition(definition.GetDeclaringType());
                return (reader.GetString(owner.Name), reader.GetString(definition.Name), SignatureNames.Parameters(reader, definition.Signature));
            case HandleKind.MemberReference:
                var member = reader.GetMemberReference((MemberReferenceHandle)handle);
                return member.Parent.Kind == HandleKind.TypeReference
                    ? (reader.GetString(reader.GetTypeReference((TypeReferenceHandle)member.Parent).Name), reader.GetString(member.Name), SignatureNames.Parameters(reader, member.Signature))
                    : null;
            default:
                return null;
        }
    }

    private static bool IsTorchSharpReference(MetadataReader reader, EntityHandle handle)
    {
        if (handle.Kind == HandleKind.MethodSpecification)
        {
            handle = reader.GetMethodSpecification((MethodSpecificationHandle)handle).Method;
        }

        if (handle.Kind != HandleKind.MemberReference || reader.GetMemberReference((MemberReferenceHandle)handle).Parent is not { Kind: HandleKind.TypeReference } parent)
        {
            return false;
        }

        var type = reader.GetTypeReference((TypeReferenceHandle)parent);
        while (type.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            type = reader.GetTypeReference((TypeReferenceHandle)type.ResolutionScope);
        }

        return reader.GetString(type.Namespace).StartsWith("TorchSharp", StringComparison.Ordinal);
    }

    /// <summary>The metadata tokens of the call, callvirt, newobj and ldftn instructions in an IL body.</summary>
    private static IEnumerable<int> CalledTokens(byte[] il)
    {
        for (var i = 0; i < il.Length;)
        {
            var code = il[i] == 0xFE ? s_twoByte[il[i + 1]] : s_oneByte[il[i]];
            i += il[i] == 0xFE ? 2 : 1;
            if (code.Value == OpCodes.Call.Value || code.Value == OpCodes.Callvirt.Value || code.Value == OpCodes.Newobj.Value || code.Value == OpCodes.Ldftn.Value)
            {
                yield return BitConverter.ToInt32(il, i);
            }

            i += code.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, i)),
                _ => 4,
            };
        }
    }
}
