using Maestro.RegistryBench;

// bench/run.sh calls: RegistryBench list <data-dir> <models> <page-size> <passes>
//                     RegistryBench upload <registry-url> <model-file> <scratch-dir> <rounds>
// Each prints key=value lines on stdout for run.sh to put in its table.
return args switch
{
    ["list", var dataDirectory, var models, var pageSize, var passes] =>
        ListingBenchmark.Run(dataDirectory, int.Parse(models), int.Parse(pageSize), int.Parse(passes)),
    ["upload", var url, var modelFile, var scratchDirectory, var rounds] =>
        await UploadBenchmark.RunAsync(new Uri(url), modelFile, scratchDirectory, int.Parse(rounds)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: RegistryBench list <data-dir> <models> <page-size> <passes>");
    Console.Error.WriteLine("       RegistryBench upload <registry-url> <model-file> <scratch-dir> <rounds>");
    return 2;
}
