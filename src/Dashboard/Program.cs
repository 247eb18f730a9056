using Vinula.Dashboard.Api;
using Vinula.Dashboard.Hosting;

var builder = VinulaHost.CreateBuilder(args);

builder.AddVinulaEngine();
builder.AddVinulaStorage();
builder.AddVinulaRuns();
builder.AddVinulaWeb();

var app = builder.Build();

app.UseVinulaPipeline();
app.MapExperimentsApi();
app.MapRunsApi();
app.MapExportsApi();
app.MapCorporaApi();
app.MapVinulaEndpoints();

return app.RunVinula();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
