using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Vinula.Dashboard.Api;
using Vinula.Shared;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

public class CorporaApiTests(VinulaFactory factory) : IClassFixture<VinulaFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private Task<HttpResponseMessage> UploadAsync(byte[] content, string fileName)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        form.Add(file, "file", fileName);
        return _client.PostAsync("/api/corpora", form);
    }

    private static async Task<string> ErrorAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").GetProperty("file")[0].GetString()!;

    [Fact]
    public async Task AUtf8CorpusIsStoredUnderAGeneratedIdAndListed()
    {
        var text = "The Fulton County Grand Jury said Friday ... — naïve café\n"u8.ToArray();
        var response = await UploadAsync(text, "brown.txt");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var corpus = (await response.Content.ReadFromJsonAsync<CorpusInfo>(VinulaJson.Options))!;
        Assert.Equal(("brown.txt", (long)text.Length), (corpus.Name, corpus.Bytes));
        Assert.Matches("^c[0-9a-f]{12}$", corpus.Id);

        var all = await _client.GetFromJsonAsync<List<CorpusInfo>>("/api/corpora", VinulaJson.Options);
        Assert.Contains(all!, c => c.Id == corpus.Id);
    }

    [Fact]
    public async Task AClientPathNeverBecomesAPathOnlyADisplayName()
    {
        var response = await UploadAsync("hello"u8.ToArray(), "../../etc/passwd");
        var corpus = (await response.Content.ReadFromJsonAsync<CorpusInfo>(VinulaJson.Options))!;
        Assert.Equal("passwd", corpus.Name);
        Assert.Equal("corpus.txt", CorporaApi.CleanName("../.."));
    }

    [Fact]
    public async Task TextThatIsNotUtf8IsRefusedWithTheOffset()
    {
        var response = await UploadAsync([0x68, 0x69, 0xC3, 0x28, 0x21], "latin1.txt");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not UTF-8", await ErrorAsync(response));
        Assert.Contains("offset 2", await ErrorAsync(await UploadAsync([0x68, 0x69, 0xC3, 0x28, 0x21], "x.txt")));
    }

    [Fact]
    public async Task ACorpusOverTheSizeLimitIsRefused()
    {
        var response = await UploadAsync(new byte[CorporaApi.MaxBytes + 1], "big.txt");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("the limit is", await ErrorAsync(response));
    }

    [Fact]
    public async Task AnEmptyOrMissingFileIsRefused()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await UploadAsync([], "empty.txt")).StatusCode);
        var noFile = await _client.PostAsync("/api/corpora", new StringContent("text", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.BadRequest, noFile.StatusCode);
    }
}
