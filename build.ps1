#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, publishes and tests the LrePowerShell module.
.DESCRIPTION
    Tasks:
      Build  publish the module (cmdlets + engine + libtorch and SkiaSharp natives) into out/LrePowerShell,
             with its help generated from docs/help (en-US/LrePowerShell.dll-Help.xml, about_LrePowerShell)
      Test   Build, then the xunit engine tests and the Pester cmdlet tests; prints one
             'N passed, N failed, N skipped' line for both and exits non-zero on any failure
      Demo   Build, then the main job on the embedded model (tools/main-job.ps1): the seed
             experiment's per-sample table and faithfulness line, offline
      TrainDefaultModel
             regenerate the embedded demonstration model data/models/lre-tiny from data/ (seed 42,
             two threads, a few minutes on a CPU) with tools/LrePowerShell.Trainer
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
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Demo
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Test
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task TrainDefaultModel
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Bench -Short
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Demo', 'Test', 'Bench', 'TrainDefaultModel')]
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

if ($Task -eq 'TrainDefaultModel') {
    # Always the CPU libtorch: the committed model is defined by a CPU run. Passive OpenMP threads sleep
    # instead of spinning while they wait, so two threads stay fast on a CPU that other work shares.
    $env:OMP_WAIT_POLICY = 'PASSIVE'
    Invoke-Step 'train data/models/lre-tiny' {
        dotnet run --project (Join-Path $root 'tools/LrePowerShell.Trainer/LrePowerShell.Trainer.csproj') -c $Configuration -v:q -- `
            --data (Join-Path $root 'data') --output (Join-Path $root 'data/models/lre-tiny') --seed 42 --threads 2
    }
    return
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
# in a process of its own: it imports the module it has just published to read the cmdlets' parameters
Invoke-Step 'help (MAML and about topics from docs/help)' {
    dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'build/New-ModuleHelp.ps1') -ModulePath (Join-Path $out 'LrePowerShell.psd1') -Source (Join-Path $root 'docs/help')
}
Write-Host "Module: $out/LrePowerShell.psd1"
if ($Task -eq 'Build') { return }
if ($Task -eq 'Demo') {
    dotnet pwsh -NoProfile -File (Join-Path $root 'tools/main-job.ps1')
    exit $LASTEXITCODE
}

New-Item -ItemType Directory -Force $artifacts | Out-Null
Invoke-Step 'restore Pester' { dotnet restore (Join-Path $root 'tools/tools.csproj') -nologo -v:q }

# xunit (detailed, so that the fuzz and memory tests print their counts): counts come from the trx file, so a crash of the test host still counts as a failure below.
$trx = Join-Path $artifacts 'xunit.trx'
Remove-Item $trx -ErrorAction Ignore
dotnet test (Join-Path $root 'tests/LrePowerShell.Engine.Tests/LrePowerShell.Engine.Tests.csproj') -c $Configuration -nologo `
    --logger "trx;LogFileName=$trx" --logger 'console;verbosity=detailed' @libtorch
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
