# Runs the Pester tests against the published module and writes the counts as JSON for build.ps1.
param(
    [string]$PesterVersion = '5.7.1',
    [string]$Path = (Join-Path $PSScriptRoot 'Pester'),
    [Parameter(Mandatory)] [string]$ResultPath
)
$ErrorActionPreference = 'Stop'
$packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
Import-Module (Join-Path $packages "pester/$PesterVersion/tools/Pester.psd1") -Force

$c = New-PesterConfiguration
$c.Run.Path = $Path
$c.Run.PassThru = $true
$c.Run.Exit = $false            # with Exit = $true Pester exits before PassThru returns
$c.Output.Verbosity = 'Detailed'
$c.Output.CIFormat = 'None'
$c.TestResult.Enabled = $true
$c.TestResult.OutputFormat = 'JUnitXml'
$c.TestResult.OutputPath = Join-Path (Split-Path $ResultPath) 'pester-junit.xml'
$r = Invoke-Pester -Configuration $c

$failed = $r.FailedCount + $r.FailedBlocksCount + $r.FailedContainersCount
@{ passed = $r.PassedCount; failed = $failed; skipped = $r.SkippedCount } | ConvertTo-Json | Set-Content $ResultPath
exit ([int]($failed -gt 0 -or $r.PassedCount -eq 0))
