# Shared by the Pester tests: module import, ../shared lookup, golden comparison, fixture surgery.

$script:ModulePath = if ($env:LRE_MODULE) { $env:LRE_MODULE } else { Join-Path $PSScriptRoot '../../out/LrePowerShell/LrePowerShell.psd1' }
Import-Module $script:ModulePath -Force -ErrorAction Stop

# ../shared beside the repository (or $env:LRE_SHARED); $null when absent, and tests skip visibly.
$script:Shared = if ($env:LRE_SHARED) { $env:LRE_SHARED } else { Join-Path $PSScriptRoot '../../../shared' }
if (-not (Test-Path (Join-Path $script:Shared 'fixtures'))) { $script:Shared = $null }
$script:NoSharedReason = '../shared is absent (set LRE_SHARED or place shared/ beside the repository)'

function Get-FixturePath([string]$Name) { Join-Path $script:Shared "fixtures/$Name" }
function Get-Golden([string]$Name) { Get-Content (Join-Path $script:Shared "fixtures/golden/$Name.json") -Raw | ConvertFrom-Json }

# max|Δ| / max|ref| of two vectors
function Get-RelativeError($Actual, $Expected) {
    if ($Actual.Count -ne $Expected.Count) { throw "length $($Actual.Count) vs $($Expected.Count)" }
    $maxDiff = 0.0; $maxRef = 0.0
    for ($i = 0; $i -lt $Expected.Count; $i++) {
        $maxDiff = [Math]::Max($maxDiff, [Math]::Abs([double]$Actual[$i] - [double]$Expected[$i]))
        $maxRef = [Math]::Max($maxRef, [Math]::Abs([double]$Expected[$i]))
    }
    $maxDiff / [Math]::Max($maxRef, 1e-30)
}

# Copies a fixture into a writable folder (the shared one is read-only).
function Copy-Fixture([string]$Name, [string]$Destination) {
    New-Item -ItemType Directory -Force $Destination | Out-Null
    Copy-Item (Join-Path (Get-FixturePath $Name) '*') $Destination
    Get-ChildItem $Destination | ForEach-Object { $_.Attributes = 'Normal'; & chmod u+w $_.FullName }
    $Destination
}

# Rewrites a safetensors file's header through a script block that edits the parsed header
# (an ordered dictionary); the data section is kept byte for byte unless -Data replaces it.
function Edit-SafetensorsHeader([string]$Path, [scriptblock]$Edit, [byte[]]$Data) {
    $bytes = [IO.File]::ReadAllBytes($Path)
    $len = [BitConverter]::ToUInt64($bytes, 0)
    $json = [Text.Encoding]::UTF8.GetString($bytes, 8, [int]$len)
    $header = $json | ConvertFrom-Json -AsHashtable -Depth 10
    $ordered = [ordered]@{}
    foreach ($k in $header.Keys | Sort-Object) { $ordered[$k] = $header[$k] }
    & $Edit $ordered
    $newJson = $ordered | ConvertTo-Json -Depth 10 -Compress
    $newHeader = [Text.Encoding]::UTF8.GetBytes($newJson)
    if (-not $PSBoundParameters.ContainsKey('Data')) { $Data = $bytes[(8 + $len)..($bytes.Length - 1)] }
    $stream = [IO.File]::Create($Path)
    try {
        $stream.Write([BitConverter]::GetBytes([uint64]$newHeader.Length), 0, 8)
        $stream.Write($newHeader, 0, $newHeader.Length)
        $stream.Write($Data, 0, $Data.Length)
    } finally { $stream.Dispose() }
}

# Runs a script block that must fail; returns its ErrorRecord.
function Get-ErrorRecord([scriptblock]$Body) {
    try { & $Body | Out-Null } catch { return $_ }
    throw 'expected an error, but the command succeeded'
}

# A [powershell] with a runspace of its own, the module imported and $Variables set there: its
# Streams (Progress, Verbose, Information) can be inspected, and a running pipeline in it stopped
# from here. Dispose it.
function New-ModuleRunspace([hashtable]$Variables = @{}) {
    $ps = [powershell]::Create()
    $null = $ps.AddScript("Import-Module '$script:ModulePath'").Invoke()
    $ps.Commands.Clear()
    foreach ($name in $Variables.Keys) { $ps.Runspace.SessionStateProxy.SetVariable($name, $Variables[$name]) }
    $ps
}

# The stories260k relation most tests use: names -> she / he.
function Get-PronounRelation {
    Import-LreRelation (Join-Path $script:Shared 'models/stories260k/relations.json') | Where-Object Name -eq 'name_to_subject_pronoun'
}
