using CityFn.Edge;

var app = EdgeHost.Build(args);
app.Run();
