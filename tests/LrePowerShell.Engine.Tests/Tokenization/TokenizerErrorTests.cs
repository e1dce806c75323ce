using System.Text;
using LrePowerShell.Engine.Errors;
using LrePowerShell.Engine.Tokenization;
using Xunit;

namespace LrePowerShell.Engine.Tests.Tokenization;

/// <summary>Bad folders and malformed files give LreExceptions with stable ids that name the files.</summary>
public sealed class TokenizerErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lre-tok-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Write(string name, string content) => File.WriteAllText(Path.Combine(_dir, name), content);

    private LreException LoadFails() => Assert.Throws<LreException>(() => TokenizerLoader.Load(_dir));

    [Fact]
    public void FolderWithoutTokenizerFilesIsTokenizerFilesMissing()
    {
        Write("config.json", "{}");
        var ex = LoadFails();
        Assert.Equal("TokenizerFilesMissing", ex.ErrorId);
        Assert.Equal(LreErrorKind.NotFound, ex.Kind);
        foreach (var f in new[] { "tokenizer.json", "vocab.json", "merges.txt", "tokenizer.model" }) Assert.Contains(f, ex.Message);
    }

    [Fact]
    public void MissingFolderIsTokenizerFilesMissing()
    {
        var ex = Assert.Throws<LreException>(() => TokenizerLoader.Load(Path.Combine(_dir, "nope")));
        Assert.Equal("TokenizerFilesMissing", ex.ErrorId);
    }

    [Fact]
    public void VocabWithoutMergesIsTokenizerFilesMissing()
    {
        Write("vocab.json", "{\"a\": 0}");
        var ex = LoadFails();
        Assert.Equal("TokenizerFilesMissing", ex.ErrorId);
        Assert.Contains("merges.txt", ex.Message);
    }

    [Theory]
    [InlineData("tokenizer.json", "this is { not json", "tokenizer.json")]
    [InlineData("tokenizer.json", "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"a b\"]}, \"pre_tokenizer\": {\"type\": \"ByteLevel\"}}", "tokenizer.json")]
    [InlineData("tokenizer.json", "{\"pre_tokenizer\": {\"type\": \"ByteLevel\"}}", "tokenizer.json")]
    [InlineData("tokenizer.json", "[1, 2, 3]", "tokenizer.json")]
    [InlineData("vocab.json", "{\"a\": \"zero\"}", "vocab.json")]
    [InlineData("tokenizer.model", "\u0001\u0002garbage", "tokenizer.model")]
    public void MalformedFilesAreTokenizerInvalidAndNamed(string file, string content, string named)
    {
        Write(file, content);
        if (file == "vocab.json") Write("merges.txt", "#version: 0.2\n");
        var ex = LoadFails();
        Assert.Equal("TokenizerInvalid", ex.ErrorId);
        Assert.Equal(LreErrorKind.InvalidData, ex.Kind);
        Assert.Contains(named, ex.Message);
    }

    [Fact]
    public void MalformedMergesAreTokenizerInvalid()
    {
        Write("vocab.json", "{\"a\": 0, \"b\": 1, \"ab\": 2}");
        Write("merges.txt", "#version: 0.2\na b\nthis line has three\n");
        var ex = LoadFails();
        Assert.Equal("TokenizerInvalid", ex.ErrorId);
        Assert.Contains("merges.txt", ex.Message);
    }

    [Fact]
    public void MalformedTokenizerConfigIsTokenizerInvalid()
    {
        Write("vocab.json", "{\"a\": 0, \"b\": 1, \"ab\": 2}");
        Write("merges.txt", "#version: 0.2\na b\n");
        Write("tokenizer_config.json", "{ bad");
        var ex = LoadFails();
        Assert.Equal("TokenizerInvalid", ex.ErrorId);
        Assert.Contains("tokenizer_config.json", ex.Message);
    }

    [Fact]
    public void NonByteLevelTokenizerJsonWithoutTokenizerModelIsNotSupported()
    {
        Write("tokenizer.json", "{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}");
        var ex = LoadFails();
        Assert.Equal("TokenizerNotSupported", ex.ErrorId);
        Assert.Equal(LreErrorKind.NotSupported, ex.Kind);
    }

    [Fact]
    public void TinyVocabAndMergesFolderWorks()
    {
        // a GPT-2-architecture folder with its own (tiny) vocabulary: the folder's merges are used
        Write("vocab.json", "{\"a\": 0, \"b\": 1, \"ab\": 2, \"Ġ\": 3, \"Ġab\": 4}");
        Write("merges.txt", "#version: 0.2\na b\nĠ ab\n");
        var tok = TokenizerLoader.Load(_dir);
        Assert.Equal(new[] { 2, 4, 0 }, tok.Encode("ab aba").Select(p => p.Id).Take(3).ToArray());
        Assert.Equal("ab ab", tok.Decode([2, 4]));
        Assert.False(tok.AddsBos);
        Assert.Null(tok.EosToken);
    }
}
