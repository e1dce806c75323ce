using System.Management.Automation;
using LrePowerShell.Charts;

namespace LrePowerShell.Cmdlets;

/// <summary>
/// Draws what is piped in as a PNG or SVG chart: Test-LreFaithfulness results (or rows read back with
/// Import-Csv) as faithfulness against layer, one line per method, β and rank; operators as the
/// singular-value spectrum of their W.
/// </summary>
[Cmdlet(VerbsData.Export, "LreChart", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportLreChartCommand : LreCmdlet
{
    private readonly List<FaithfulnessPoint> _points = new();
    private readonly List<LreOperator> _operators = new();
    private string _target = "";
    private ChartFormat _format;

    /// <summary>Test-LreFaithfulness results, objects with the same properties (Import-Csv), or operators.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject InputObject { get; set; } = null!;

    /// <summary>The image file; its extension (.png or .svg) chooses the format.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = "";

    [Parameter]
    [ValidateRange(100, 10_000)]
    public int Width { get; set; } = 800;

    [Parameter]
    [ValidateRange(100, 10_000)]
    public int Height { get; set; } = 500;

    /// <summary>The chart's title; by default it says what is drawn, of which relation, on which model.</summary>
    [Parameter]
    public string? Title { get; set; }

    /// <summary>Also draw each series' accuracy (dashed, in the series' colour).</summary>
    [Parameter]
    public SwitchParameter Accuracy { get; set; }

    /// <summary>Overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    // The file is checked before anything is piped in, so that a long sweep upstream does not run
    // only to find at the end that its chart cannot be written.
    protected override void BeginProcessing()
    {
        _target = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        Run(_target, () =>
        {
            _format = ChartWriter.FormatOf(_target) ?? throw ChartErrors.FormatUnsupported(_target);
            string folder = System.IO.Path.GetDirectoryName(_target)!;
            if (!Directory.Exists(folder)) throw ChartErrors.FolderNotFound(folder);
            if (File.Exists(_target) && !Force) throw ChartErrors.FileExists(_target);
        });
    }

    protected override void ProcessRecord()
    {
        Run(InputObject, () =>
        {
            if (InputObject.BaseObject is LreOperator op) _operators.Add(op);
            else _points.Add(ReadPoint(InputObject));
            if (_operators.Count > 0 && _points.Count > 0)
                throw ChartErrors.InputInvalid("Pipe either faithfulness results or operators into one chart, not both.");
        });
    }

    protected override void EndProcessing()
    {
        Run(_target, () =>
        {
            if (_points.Count == 0 && _operators.Count == 0)
                throw ChartErrors.InputInvalid("Nothing was piped in: pipe Test-LreFaithfulness results or operators into Export-LreChart.");
            var chart = _points.Count > 0 ? FaithfulnessChart.Build(_points, Accuracy, Title) : Spectrum();
            string what = $"{chart.Series.Count} line{(chart.Series.Count == 1 ? "" : "s")} ('{chart.Title}')";
            if (!ShouldProcess(_target, $"Write a {Name(_format)} chart of {what}")) return;
            Timed($"Drawing {what} into {_target} ({Width}×{Height} {Name(_format)})", () => ChartWriter.Save(chart, _target, _format, Width, Height));
            WriteFile(_target);
        });
    }

    private static string Name(ChartFormat format) => format.ToString().ToUpperInvariant();

    private ChartSpec Spectrum()
    {
        var spectra = new List<OperatorSpectrum>();
        using (var activity = StartActivity("Export-LreChart: singular values"))
        {
            for (int i = 0; i < _operators.Count; i++)
            {
                StopToken.ThrowIfCancellationRequested();
                var op = _operators[i];
                activity.Report($"{op} ({i + 1}/{_operators.Count})", i, _operators.Count);
                spectra.Add(new OperatorSpectrum(op.Model.Name, op.Relation, op.Layer, op.Method, op.GetSingularValues()));
            }
        }
        var (chart, empty) = SpectrumChart.Build(spectra, Title);
        foreach (var label in empty) WriteWarning($"{label}: W is zero, so it has no spectrum to draw on a log scale (at the last block h does not reach o).");
        return chart;
    }

    /// <summary>A faithfulness result by its property names, so that LreFaithfulness objects and the rows
    /// of a CSV file Export-Csv wrote from them (all strings) both draw.</summary>
    private FaithfulnessPoint ReadPoint(PSObject input)
    {
        T Get<T>(string name, T fallback, bool required = false)
        {
            object? value = input.Properties[name]?.Value;
            if (value is null or "")
            {
                return required
                    ? throw ChartErrors.InputInvalid($"A {input.BaseObject.GetType().Name} has no '{name}' to draw: pipe the results of " +
                        "Test-LreFaithfulness (without -PerSample), objects with the same properties, or operators from New-LreOperator.")
                    : fallback;
            }
            try
            {
                return LanguagePrimitives.ConvertTo<T>(value);
            }
            catch (PSInvalidCastException)
            {
                throw ChartErrors.InputInvalid($"'{name}' = '{value}' is not a {typeof(T).Name}.");
            }
        }
        return new FaithfulnessPoint(
            Get("Model", ""), Get("Relation", ""), Get("Method", ""), Get("Beta", 1.0), Get("Rank", 0), Get("Layer", 0, required: true),
            Get("Faithfulness", 0.0, required: true), Get("Accuracy", 0.0, required: Accuracy));
    }
}
