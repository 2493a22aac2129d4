namespace MultiTeacher.Cli.Tests.Cluster;

/// <summary><c>mt node --peer-group</c> refuses options that do not make a codistillation peer, before it starts a node.</summary>
public sealed class PeerNodeOptionTests
{
    [Theory]
    [InlineData("--peer-group g", "needs --peer K")]
    [InlineData("--peer 0", "give --peer-group NAME too")]
    [InlineData("--peer-group g/h --peer 0", "a group name is letters, digits")]
    [InlineData("--peer-group g --peer 0 --roles teacher", "the role student only")]
    [InlineData("--peer-group g --peer 2 --peers 2", "--peer must be one of 0..1 for a group of 2 peers, got 2")]
    [InlineData("--peer-group g --peer 0 --peers 1", "a peer group needs at least 2 peers")]
    public async Task PeerOptions_ThatDoNotFit_AreRefusedNamingTheProblem(string args, string expected)
    {
        var (code, _, stderr) = await MtProcess.RunAsync(["node", .. args.Split(' '), "--port", "0"]);

        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }
}
