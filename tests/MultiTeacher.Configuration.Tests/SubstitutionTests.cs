using static MultiTeacher.Configuration.Tests.TestHocon;

namespace MultiTeacher.Configuration.Tests;

/// <summary>HOCON.md, "Substitutions", "Self-Referential Substitutions" and "The += field separator".</summary>
public sealed class SubstitutionTests
{
    [Fact]
    public void Resolve_WholeValueSubstitution_KeepsTheType()
    {
        var config = Parse("a = 1\nb = ${a}\no { x = true }\np = ${o}\nq = ${o.x}");

        Assert.Equal("""{"a":1,"b":1,"o":{"x":true},"p":{"x":true},"q":true}""", config.ToJson(indented: false));
    }

    [Fact]
    public void Resolve_ForwardReference_SeesTheFinalValue() =>
        Assert.Equal(3, Parse("b = ${a}\na = 1\na = 3").GetInt("b"));

    [Fact]
    public void Resolve_ObjectReferringToItsOwnField_LooksForward()
    {
        var config = Parse("""
            bar : { foo : 42,
                    baz : ${bar.foo}
                  }
            bar : { foo : 43 }
            """);

        Assert.Equal(43, config.GetInt("bar.baz"));
    }

    [Fact]
    public void Resolve_MutuallyReferringObjects_LookForward()
    {
        var config = Parse("""
            bar : { a : ${foo.d}, b : 1 }
            bar.b = 3
            foo : { c : ${bar.b}, d : 2 }
            foo.d = 4
            """);

        Assert.Equal((4, 3), (config.GetInt("bar.a"), config.GetInt("foo.c")));
    }

    [Fact]
    public void Resolve_SelfReferentialString_SeesThePreviousValue() =>
        Assert.Equal("a:b:c:d", Parse("path : \"a:b:c\"\npath : ${path}\":d\"").GetString("path"));

    [Fact]
    public void Resolve_SelfReferentialArray_AppendsToThePreviousValue() =>
        Assert.Equal(["/bin", "/usr/bin", "/opt/bin"],
            Parse("path = [ /bin ]\npath = ${path} [ /usr/bin ]\npath = ${path} [ /opt/bin ]").GetStringList("path"));

    [Fact]
    public void Resolve_SelfReferenceToAnObject_MergesWithThePreviousValue() =>
        Assert.Equal("""{"foo":{"a":1,"b":2}}""", Json("foo : { a : 1 }\nfoo : ${foo} { b : 2 }"));

    [Fact]
    public void Resolve_SelfReferenceThroughAPath_LooksBelowEvenWhenANewerValueExists() =>
        Assert.Equal("""{"foo":{"a":2,"c":1}}""", Json("foo : { a : { c : 1 } }\nfoo : ${foo.a}\nfoo : { a : 2 }"));

    [Fact]
    public void Resolve_SelfReferenceInANestedField_SeesThePreviousValue() =>
        Assert.Equal("base-extra", Parse("a { b = base }\na { b = ${a.b}\"-extra\" }").GetString("a.b"));

    [Fact]
    public void Resolve_HiddenSubstitution_IsNeverEvaluated()
    {
        Assert.Equal(42, Parse("foo : ${does-not-exist}\nfoo : 42").GetInt("foo"));
        Assert.Equal(42, Parse("foo : ${foo}\nfoo : 42").GetInt("foo"));
    }

    [Fact]
    public void Resolve_OptionalSelfReferenceAlone_RemovesTheField() =>
        Assert.Equal("{}", Json("foo : ${?foo}"));

    [Fact]
    public void Resolve_OptionalSelfReferenceInAConcatenation_IsEmpty() =>
        Assert.Equal("foo", Parse("a = ${?a}foo").GetString("a"));

    [Fact]
    public void Resolve_MissingOptionalSubstitution_LeavesThePreviousValueAndDropsArrayElements()
    {
        var config = Parse("a = 1\na = ${?nope}\nb = ${?nope}\nc = [1, ${?nope}, 2]\nd = x${?nope}y\ne = ${?nope}${?also}");

        Assert.Equal("""{"a":1,"c":[1,2],"d":"xy"}""", config.ToJson(indented: false));
    }

    [Fact]
    public void Resolve_PlusEquals_AppendsAndWorksAsFirstMention()
    {
        var config = Parse("a += 1\na += 2\nb = [0]\nb += 1\nx { list += one }\nx.list += two");

        Assert.Equal("""{"a":[1,2],"b":[0,1],"x":{"list":["one","two"]}}""", config.ToJson(indented: false));
    }

    [Fact]
    public void Resolve_PlusEqualsOnANonArray_Fails()
    {
        var e = Assert.Throws<HoconResolveException>(() => Parse("a = 1\na += 2"));

        Assert.StartsWith("test.conf:2:6: found an array after the number 1 in a value concatenation", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_MissingPath_FallsBackToTheEnvironmentAsAString()
    {
        var environment = new Dictionary<string, string> { ["HOME"] = "/home/mt", ["MT_THREADS"] = "8" };

        var config = Parse("home = ${HOME}\nthreads = ${?MT_THREADS}\nuri = \"amqp://\"${?MT_RABBITMQ_HOST}", environment);

        Assert.Equal("""{"home":"/home/mt","threads":"8","uri":"amqp://"}""", config.ToJson(indented: false));
        Assert.Equal(8, config.GetInt("threads"));
    }

    [Fact]
    public void Resolve_PathInTheTreeOrSetToNull_DoesNotLookAtTheEnvironment()
    {
        var environment = new Dictionary<string, string> { ["HOME"] = "/home/mt", ["USER"] = "mt" };

        var config = Parse("HOME = null\nUSER = me\nh = ${HOME}\nu = ${USER}", environment);

        Assert.Equal("""{"HOME":null,"USER":"me","h":null,"u":"me"}""", config.ToJson(indented: false));
    }

    [Fact]
    public void Resolve_EmptyEnvironmentVariable_CountsAsUnset()
    {
        var environment = new Dictionary<string, string> { ["EMPTY"] = "" };

        Assert.Equal("{}", Json("a = ${?EMPTY}", environment));
        Assert.Throws<HoconResolveException>(() => Parse("a = ${EMPTY}", environment));
    }

    [Fact]
    public void Resolve_OrderDependentLoop_GivesBothKeysTheSameValue()
    {
        var config = Parse("a : 1\nb : 2\na : ${b}\nb : ${a}");

        Assert.Equal(config.GetInt("a"), config.GetInt("b"));
    }

    [Fact]
    public void Resolve_SubstitutionOfAnArrayElementObject_Resolves() =>
        Assert.Equal("""{"x":5,"list":[{"v":5}]}""", Json("x = 5\nlist = [ { v = ${x} } ]"));

    [Fact]
    public void Resolve_ObjectOverASubstitution_LooksForwardIntoItself() =>
        Assert.Equal("""{"x":{"b":1},"a":{"b":1,"c":5,"d":5}}""", Json("x = { b = 1 }\na = ${x}\na = { c = ${a.d}, d = 5 }"));

    [Fact]
    public void Resolve_ChainOfSubstitutions_ResolvesThroughEveryLink() =>
        Assert.Equal("""{"x":1,"y":1,"z":1}""", Json("x = ${y}\ny = ${z}\nz = 1"));

    [Fact]
    public void Resolve_OptionalSelfReferenceInAMergedObject_SeesThePreviousValue() =>
        Assert.Equal("12", Parse("a { b = 1 }\na { b = ${?a.b}2 }").GetString("a.b"));

    [Fact]
    public void Resolve_SubstitutionIntoAResolvedObject_SeesItsFields() =>
        Assert.Equal(3, Parse("base { n = ${k} }\nk = 3\ncopy = ${base}\nv = ${copy.n}").GetInt("v"));

    [Fact]
    public void Resolve_SubstitutionOfAnObjectHoldingSubstitutions_ResolvesThemToo() =>
        Assert.Equal("""{"a":{"x":2,"y":2},"b":{"x":2,"y":2}}""", Json("a { x = 2, y = ${a.x} }\nb = ${a}"));
}
