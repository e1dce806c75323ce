# The README's main job: the seed experiment on the embedded model, offline.
#   Import-LreModel | New-LreOperator -Layer <best> -Data data/data_sample.json | Test-LreFaithfulness -PerSample
# Run through `dotnet pwsh ./build.ps1 -Task Demo`, which builds the module first.
param(
    [int]$Layer = 0,
    [double]$Beta = 8
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../out/LrePowerShell/LrePowerShell.psd1')
$clock = [Diagnostics.Stopwatch]::StartNew()
$rows = Import-LreModel |
    New-LreOperator -Layer $Layer -Beta $Beta -Data (Join-Path $PSScriptRoot '../data/data_sample.json') |
    Test-LreFaithfulness -PerSample -InformationVariable line 6>$null
# the table first, then the seed's closing line
$rows | Format-Table | Out-Host
Write-Host $line
Write-Host ("Main job (load, estimate, evaluate): {0:F1} s" -f $clock.Elapsed.TotalSeconds)
