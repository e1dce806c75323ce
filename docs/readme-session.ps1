<#
.SYNOPSIS
    Replays the README's session on stories260k with the published module: prints the transcript
    (as the console shows it, without colour) and draws docs/faithfulness.png.
.EXAMPLE
    NO_COLOR=1 dotnet pwsh -NoProfile -File docs/readme-session.ps1 -Shared ../shared
#>
param([string]$Shared = (Join-Path $PSScriptRoot '../../shared'))
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module (Join-Path $PSScriptRoot '../out/LrePowerShell/LrePowerShell.psd1')
Set-Location (Join-Path $PSScriptRoot '..')
$hf = Join-Path $Shared 'models/stories260k'

$session = @(
    "`$m = Import-LreModel -Path $hf/hf"
    '$m'
    "Get-LrePrediction -Model `$m -Prompt 'Lily was sad because' -Top 3"
    "`$r = Import-LreRelation $hf/relations.json | Where-Object Name -eq name_to_subject_pronoun"
    '$ops = $m | New-LreOperator -Relation $r -Layer (0..4) -TrainCount 8'
    '$ops | Test-LreFaithfulness -Beta 2'
    '$ops[2] | Test-LreFaithfulness -Beta 2 -PerSample | Select-Object -First 6'
    '$ops[2] | Test-LreCausality -Rank 1, 4, 0'
    '$regression = $m | New-LreOperator -Relation $r -Layer (0..4) -TrainCount 8 -Method Regression'
    "@(`$ops | Test-LreFaithfulness -Beta 1, 2, 4, 8) + @(`$regression | Test-LreFaithfulness) |"
    "    Export-LreChart docs/faithfulness.png -Width 760 -Height 420 -Force -Title 'stories260k: name to pronoun, 8 training pairs'"
)
# a line ending in '|' goes on in the next one, as at the prompt
for ($i = 0; $i -lt $session.Count; $i++) {
    $command = $session[$i]
    "PS> $command"
    while ($command.EndsWith('|')) { $i++; $command += "`n" + $session[$i]; ">> $($session[$i])" }
    $output = (Invoke-Expression $command | Out-String -Width 100).TrimEnd() -replace '^(\r?\n)+', ''
    if ($output) { $output }
}
