using Vinula.Dashboard.Api;
using Vinula.Dashboard.Hosting;
using Vinula.Runs.Hosting;

var builder = VinulaHost.CreateBuilder(args);
var deployment = builder.AddVinulaDeployment();

builder.AddVinulaEngine();
builder.AddVinulaStorage(deployment);
builder.AddVinulaRuns(deployment);
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
