using Vinula.Runs.Hosting;
using Vinula.Worker;

// A team's worker: the engine outside the dashboard (README, "A team server"). The same top-level appsettings.json
// as the dashboard; Deployment:Mode must be Team.
var builder = WorkerHost.CreateBuilder(args);
var deployment = builder.AddVinulaDeployment();

// `copy-litedb <file>`: copies an embedded LiteDB file into the team's PostgreSQL store, and exits.
if (args is ["copy-litedb", var file, ..])
    return WorkerHost.CopyLiteDb(builder, file, deployment);

builder.AddVinulaEngine();
builder.AddVinulaRunStore(deployment);
builder.AddVinulaRunCore();
builder.AddVinulaTeam(deployment, dashboard: false, runEngine: true);
builder.AddVinulaLive(deployment);

return WorkerHost.Run(builder.Build(), deployment);
