#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, publishes and tests the LrePowerShell module.
.DESCRIPTION
    Tasks:
      Build  publish the module (cmdlets + engine + libtorch natives) into out/LrePowerShell
      Test   Build, then the xunit engine tests and the Pester cmdlet tests; prints one
             'N passed, N failed, N skipped' line for both and exits non-zero on any failure
      Bench  the benchmark suite (bench/): our engine and PyTorch side by side in one run, one
             table on stdout and in artifacts/bench.md. -Short is CI's smoke run (tiny shapes, one
             repetition, no 6 GB load: it checks that the suite works, not its numbers); -Only 2,3
             runs those workloads (after the matmul rate and workload 1). The PyTorch side needs
             Debian's python3-torch and libopenblas0-pthread and is shown as skipped without them.
    -Cuda builds against the CUDA libtorch package instead of the CPU one (for machines with an
    NVIDIA GPU; that package is not on every NuGet feed, and this repository's CI cannot test it).
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Test
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Bench -Short
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Bench')]
    [string]$Task = 'Build',
    [string]$Configuration = 'Release',
    [switch]$Cuda,
    [switch]$Short,
    [int[]]$Only
)
$ErrorActionPreference = 'Stop'
$env:DOTNET_NOLOGO = '1'; $env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$root = $PSScriptRoot
$out = Join-Path $root 'out/LrePowerShell'
$artifacts = Join-Path $root 'artifacts'
$libtorch = if ($Cuda) { @('-p:LibTorchPackage=libtorch-cuda-12.8-linux-x64') } else { @() }

function Invoke-Step([string]$Name, [scriptblock]$Body) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    Write-Host "== $Name"
    & $Body
    if ($LASTEXITCODE) { throw "$Name failed (exit $LASTEXITCODE)" }
    Write-Host "== $Name done in $([int]$sw.Elapsed.TotalSeconds)s"
}

if ($Task -eq 'Bench') {
    $project = Join-Path $root 'bench/LrePowerShell.Bench/LrePowerShell.Bench.csproj'
    Invoke-Step 'build bench' { dotnet build $project -c $Configuration -nologo -v:q @libtorch }
    New-Item -ItemType Directory -Force $artifacts | Out-Null
    $benchArgs = @('--out', (Join-Path $artifacts 'bench.md'))
    if ($Short) { $benchArgs += '--short' }
    if ($Only) { $benchArgs += '--only', ($Only -join ',') }
    Invoke-Step 'bench' { dotnet (Join-Path $root "bench/LrePowerShell.Bench/bin/$Configuration/net10.0/linux-x64/LrePowerShell.Bench.dll") @benchArgs }
    return
}

Invoke-Step 'publish module' {
    if (Test-Path $out) { Remove-Item $out -Recurse -Force }
    dotnet publish (Join-Path $root 'src/LrePowerShell/LrePowerShell.csproj') -c $Configuration -o $out -nologo -v:q @libtorch
}
Write-Host "Module: $out/LrePowerShell.psd1"
if ($Task -eq 'Build') { return }

New-Item -ItemType Directory -Force $artifacts | Out-Null
Invoke-Step 'restore Pester' { dotnet restore (Join-Path $root 'tools/tools.csproj') -nologo -v:q }

# xunit: counts come from the trx file, so a crash of the test host still counts as a failure below.
$trx = Join-Path $artifacts 'xunit.trx'
Remove-Item $trx -ErrorAction Ignore
dotnet test (Join-Path $root 'tests/LrePowerShell.Engine.Tests/LrePowerShell.Engine.Tests.csproj') -c $Configuration -nologo `
    --logger "trx;LogFileName=$trx" --logger 'console;verbosity=normal' @libtorch
$xunitExit = $LASTEXITCODE
$x = @{ passed = 0; failed = 0; skipped = 0 }
if (Test-Path $trx) {
    $c = ([xml](Get-Content $trx -Raw)).TestRun.ResultSummary.Counters
    # xunit's skips count as total - executed (the trx 'notExecuted' counter stays 0)
    $x = @{ passed = [int]$c.passed; failed = [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted; skipped = [int]$c.total - [int]$c.executed }
}
if ($xunitExit -and $x.failed -eq 0) { $x.failed = 1 }   # the run broke before it could count

$pesterJson = Join-Path $artifacts 'pester.json'
Remove-Item $pesterJson -ErrorAction Ignore
$env:LRE_MODULE = Join-Path $out 'LrePowerShell.psd1'
dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'tests/run-pester.ps1') -ResultPath $pesterJson
$pesterExit = $LASTEXITCODE
$p = if (Test-Path $pesterJson) { Get-Content $pesterJson -Raw | ConvertFrom-Json } else { [pscustomobject]@{ passed = 0; failed = 1; skipped = 0 } }

Write-Host "xunit: $($x.passed) passed, $($x.failed) failed, $($x.skipped) skipped"
Write-Host "Pester: $($p.passed) passed, $($p.failed) failed, $($p.skipped) skipped"
$passed = $x.passed + $p.passed; $failed = $x.failed + $p.failed
Write-Host "$passed passed, $failed failed, $($x.skipped + $p.skipped) skipped"
if ($failed -gt 0 -or $passed -eq 0 -or $pesterExit) { exit 1 }
