using LrePowerShell.Bench;
using LrePowerShell.Bench.Workloads;
using LrePowerShell.Engine;
using LrePowerShell.Engine.Native;

// LrePowerShell.Bench [--short] [--only 1,2,…] [--python /usr/bin/python3] [--work DIR] [--out FILE]
//   the suite: our engine and PyTorch side by side, one table on stdout (and in FILE); --only runs
//   the numbered workloads (7 = the memory check) after the matmul rate and workload 1, which
//   the others are compared with
// LrePowerShell.Bench --probe-load FOLDER DTYPE | --probe-leak FOLDER REPS
//   the child processes of workloads 5 and the leak check

if (args.Length > 0 && args[0] == "--probe-load") { LoadWorkload.Probe(args[1], args[2]); return 0; }
if (args.Length > 0 && args[0] == "--probe-leak") { LeakWorkload.Probe(args[1], int.Parse(args[2])); return 0; }

bool isShort = args.Contains("--short");
string? Option(string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
string python = Option("--python") ?? (File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
string work = Option("--work") ?? Path.Combine(Path.GetTempPath(), "lre-bench");
string? outFile = Option("--out");
var only = Option("--only")?.Split(',').Select(int.Parse).ToHashSet();
bool Runs(int workload) => only is null || only.Contains(workload);
string repo = SharedFolder.RepositoryRoot() ?? throw new InvalidOperationException("run the bench from the repository's build output");

TorchRuntime.EnsureLoaded();
int threads = TorchSharp.torch.get_num_threads();
var shape = isShort ? Gpt2Shape.Smoke : Gpt2Shape.Small;
var sw = System.Diagnostics.Stopwatch.StartNew();
Console.Error.WriteLine($"== bench ({(isShort ? "short: smoke run, its numbers mean nothing" : "full")}), work folder {work}");
using var torch = new TorchSide(python, Path.Combine(repo, "bench", "torch_side.py"), threads);
var run = new BenchRun { Short = isShort, WorkDir = work, Torch = torch, Table = new ResultTable(), Threads = threads, Shape = shape };

Console.Error.WriteLine("== machine matmul rate");
MatmulWorkload.Run(run);
string folder = RandomGpt2.Ensure(work, shape);
Timing fp32;
using (var model = LanguageModel.Load(folder))
{
    if (torch.Available) torch.Request(new { op = "load_model", folder, dtype = "float32" });
    Console.Error.WriteLine("== 1. forward");
    fp32 = ForwardWorkload.Run(run, model);
    if (Runs(2)) { Console.Error.WriteLine("== 2. hidden states"); HiddenStateWorkload.Run(run, model); }
    if (Runs(3)) { Console.Error.WriteLine("== 3. Jacobian"); JacobianWorkload.Run(run, model); }
    if (Runs(4)) { Console.Error.WriteLine("== 4. operator + faithfulness"); OperatorWorkload.Run(run, model); }
}
if (Runs(6)) { Console.Error.WriteLine("== 6. bf16 / fp16 forward"); PrecisionWorkload.Run(run, folder, fp32); }
if (Runs(7)) { Console.Error.WriteLine("== memory: repeated workload 4"); LeakWorkload.Run(run, repo); }
if (isShort) run.Table.Add(new Row("5. load GPT-2-XL-shaped fp32 file", "skipped in short mode", "—", "", "", ""));
else if (Runs(5)) { Console.Error.WriteLine("== 5. load"); LoadWorkload.Run(run); }

string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
var header = $"Machine: {cpu}, {Environment.ProcessorCount} cores; {threads} threads each side. " +
             $"Ours: TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version} (libtorch CPU); PyTorch: " +
             (torch.Available ? $"{torch.Version} ({python})" : torch.Reason) + $". Model shape: {shape.Name} ({shape.Parameters / 1e6:0} M params, random weights), " +
             $"tokenizer: {RandomGpt2.TokenizerKind}. Times are medians of alternating repetitions.";
string table = header + "\n\n" + run.Table.Render();
Console.WriteLine(table);
if (outFile is not null) File.WriteAllText(outFile, table);
Console.Error.WriteLine($"== bench done in {sw.Elapsed.TotalSeconds:0}s");
return 0;
