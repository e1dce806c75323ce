<#
.SYNOPSIS
    Builds the module's help from docs/help: MAML for Get-Help (en-US/LrePowerShell.dll-Help.xml) and
    the about topics, into the published module.
.DESCRIPTION
    platyPS is not available here, so this does its job for the markdown layout it uses. Each cmdlet has
    docs/help/<Cmdlet>.md with the sections

        # Verb-Noun
        ## SYNOPSIS          one paragraph
        ## DESCRIPTION       paragraphs
        ## EXAMPLES          '### Example N: title', a ```powershell block, then remarks
        ## PARAMETERS        '### -Name' and its description, for every parameter
        ## INPUTS / OUTPUTS  '### Type name' and a paragraph
        ## NOTES             paragraphs
        ## RELATED LINKS     '- name' lines

    What the cmdlet itself knows (parameter sets, types, mandatory, positions, pipeline input, aliases,
    wildcards, defaults) is read from the published module, so the help cannot drift from the code.
    A cmdlet without a page, a parameter without a description, a description of a parameter that does
    not exist, or fewer than two examples stops the build. -WhatIf and -Confirm get PowerShell's usual
    text unless a page describes them. about_*.help.txt files are copied as they are.
.EXAMPLE
    dotnet pwsh -NoProfile -File build/New-ModuleHelp.ps1 -ModulePath out/LrePowerShell/LrePowerShell.psd1 -Source docs/help
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string]$ModulePath,
    [Parameter(Mandatory)] [string]$Source
)
$ErrorActionPreference = 'Stop'
$module = Import-Module (Resolve-Path $ModulePath).Path -PassThru -Force
$destination = Join-Path $module.ModuleBase 'en-US'
New-Item -ItemType Directory -Force $destination | Out-Null

$standardParameters = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}
$commonParameters = [Management.Automation.PSCmdlet]::CommonParameters + [Management.Automation.PSCmdlet]::OptionalCommonParameters

# Splits a page into its '## ' sections, each a list of lines (fenced code kept whole).
function Read-HelpPage([string]$Path) {
    $sections = [ordered]@{}
    $current = $null
    foreach ($line in Get-Content $Path -Encoding utf8) {
        if ($line -match '^## (.+)$') { $current = $Matches[1].Trim(); $sections[$current] = [Collections.Generic.List[string]]::new(); continue }
        if ($null -ne $current) { $sections[$current].Add($line) }
    }
    $sections
}

# Paragraphs of markdown text: blank lines separate them; a '- ' item is a paragraph of its own.
function Get-Paragraphs([string[]]$Lines) {
    $paragraphs = [Collections.Generic.List[string]]::new()
    $buffer = [Collections.Generic.List[string]]::new()
    $flush = { if ($buffer.Count) { $paragraphs.Add(($buffer -join ' ').Trim()); $buffer.Clear() } }
    foreach ($line in $Lines) {
        if ($line.Trim() -eq '') { & $flush; continue }
        if ($line -match '^\s*- ') { & $flush }
        $buffer.Add($line.Trim())
    }
    & $flush
    # markdown emphasis and code marks mean nothing on a console
    @($paragraphs | ForEach-Object { $_ -replace '`', '' -replace '\*\*', '' })
}

# '### Title' subsections of a section: ordered title -> lines.
function Get-Subsections([string[]]$Lines) {
    $subsections = [ordered]@{}
    $current = $null
    foreach ($line in $Lines) {
        if ($line -match '^### (.+)$') { $current = $Matches[1].Trim(); $subsections[$current] = [Collections.Generic.List[string]]::new(); continue }
        if ($null -ne $current) { $subsections[$current].Add($line) }
    }
    $subsections
}

function Get-Example([string]$Title, [string[]]$Lines) {
    $code = [Collections.Generic.List[string]]::new()
    $remarks = [Collections.Generic.List[string]]::new()
    $inCode = $false; $seenCode = $false
    foreach ($line in $Lines) {
        if ($line -match '^```') { $inCode = -not $inCode; $seenCode = $true; continue }
        if ($inCode) { $code.Add($line) } elseif ($seenCode) { $remarks.Add($line) }
    }
    if (-not $code.Count) { throw "Example '$Title' has no code block." }
    [pscustomobject]@{ Title = $Title; Code = ($code -join "`n"); Remarks = @(Get-Paragraphs $remarks) }
}

# A parameter's default: the property's value on a new instance of the cmdlet (-WhatIf and -Confirm
# belong to PowerShell, not to the cmdlet class, and are off).
function Get-DefaultValue($Instance, [Management.Automation.ParameterMetadata]$Parameter) {
    $property = $Instance.GetType().GetProperty($Parameter.Name)
    $value = if ($property) { $property.GetValue($Instance) }
    if ($Parameter.SwitchParameter) { return $(if ($value -and $value.IsPresent) { 'True' } else { 'False' }) }
    if ($null -eq $value -or ($value -is [string] -and $value -eq '') -or ($value -is [Array] -and $value.Length -eq 0)) { return 'None' }
    [string]$value
}

function Get-PipelineInput([Management.Automation.ParameterMetadata]$Parameter) {
    $ways = @(
        if ($Parameter.Attributes | Where-Object { $_ -is [Parameter] -and $_.ValueFromPipeline }) { 'ByValue' }
        if ($Parameter.Attributes | Where-Object { $_ -is [Parameter] -and $_.ValueFromPipelineByPropertyName }) { 'ByPropertyName' })
    if ($ways) { "True ($($ways -join ', '))" } else { 'False' }
}

function Get-TypeName([type]$Type) {
    if ($Type -eq [Management.Automation.SwitchParameter]) { return 'SwitchParameter' }
    if ($Type.IsGenericType -and $Type.GetGenericTypeDefinition() -eq [Nullable`1]) { return $Type.GetGenericArguments()[0].Name }
    $Type.Name
}

$xmlSettings = [Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [Text.UTF8Encoding]::new($false) }
$mamlPath = Join-Path $destination "$($module.Name).dll-Help.xml"
# written to memory first: a page that stops the build leaves no half-written help behind
$maml = [IO.MemoryStream]::new()
$w = [Xml.XmlWriter]::Create($maml, $xmlSettings)
$ns = @{
    maml = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
}
function Start-El([string]$Name) { $p, $l = $Name -split ':'; $w.WriteStartElement($p, $l, $ns[$p]) }
function Write-El([string]$Name, [string]$Text) { $p, $l = $Name -split ':'; $w.WriteElementString($p, $l, $ns[$p], $Text) }
function Write-Paras([string[]]$Paragraphs) { foreach ($para in $Paragraphs) { Write-El 'maml:para' $para } }
function Write-Description([string[]]$Paragraphs) { Start-El 'maml:description'; Write-Paras $Paragraphs; $w.WriteEndElement() }

# One <command:parameter>: as it stands in a parameter set's syntax ($SetParameter given) or in the
# parameter list, where it is required only if every set it belongs to requires it.
function Write-Parameter([Management.Automation.ParameterMetadata]$Parameter, $SetParameter, [string]$Text, $Instance) {
    $typeName = Get-TypeName $Parameter.ParameterType
    $mandatory = if ($SetParameter) { $SetParameter.IsMandatory } else { @($Parameter.ParameterSets.Values | Where-Object { -not $_.IsMandatory }).Count -eq 0 }
    $position = if ($SetParameter) { $SetParameter.Position } else { @($Parameter.ParameterSets.Values.Position | Sort-Object)[-1] }
    Start-El 'command:parameter'
    $w.WriteAttributeString('required', "$mandatory".ToLowerInvariant())
    $w.WriteAttributeString('variableLength', "$($Parameter.ParameterType.IsArray)".ToLowerInvariant())
    $w.WriteAttributeString('globbing', "$([bool]($Parameter.Attributes | Where-Object { $_ -is [Management.Automation.SupportsWildcardsAttribute] }))".ToLowerInvariant())
    $w.WriteAttributeString('pipelineInput', (Get-PipelineInput $Parameter))
    $w.WriteAttributeString('position', $(if ($position -ge 0) { "$position" } else { 'named' }))
    $w.WriteAttributeString('aliases', $(if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }))
    Write-El 'maml:name' $Parameter.Name
    Write-Description (Get-Paragraphs ($Text -split "`n"))
    if ($typeName -ne 'SwitchParameter') {
        Start-El 'command:parameterValue'
        $w.WriteAttributeString('required', 'true'); $w.WriteAttributeString('variableLength', "$($Parameter.ParameterType.IsArray)".ToLowerInvariant())
        $w.WriteString($typeName); $w.WriteEndElement()
    }
    Start-El 'dev:type'; Write-El 'maml:name' $typeName; $w.WriteEndElement()
    Write-El 'dev:defaultValue' (Get-DefaultValue $Instance $Parameter)
    $w.WriteEndElement()
}

$problems = [Collections.Generic.List[string]]::new()
$w.WriteStartDocument()
$w.WriteStartElement('helpItems', 'http://msh')
$w.WriteAttributeString('schema', 'maml')
foreach ($cmd in Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name) {
    $page = Join-Path $Source "$($cmd.Name).md"
    if (-not (Test-Path $page)) { $problems.Add("$($cmd.Name): no help page $page"); continue }
    $sections = Read-HelpPage $page
    $synopsis = @(Get-Paragraphs $sections['SYNOPSIS'])
    $examples = @((Get-Subsections $sections['EXAMPLES']).GetEnumerator() | ForEach-Object { Get-Example $_.Key $_.Value })
    $parameterText = @{}
    foreach ($p in (Get-Subsections $sections['PARAMETERS']).GetEnumerator()) { $parameterText[$p.Key.TrimStart('-')] = ($p.Value -join "`n").Trim() }
    $parameters = @($cmd.Parameters.Values | Where-Object { $_.Name -notin $commonParameters -or $standardParameters.Contains($_.Name) })
    foreach ($p in $parameters) {
        if (-not $parameterText[$p.Name]) {
            if ($standardParameters.Contains($p.Name)) { $parameterText[$p.Name] = $standardParameters[$p.Name] }
            else { $problems.Add("$($cmd.Name): -$($p.Name) is not described") }
        }
    }
    foreach ($name in $parameterText.Keys) { if (-not $cmd.Parameters.ContainsKey($name)) { $problems.Add("$($cmd.Name): describes -$name, which it does not have") } }
    if ($synopsis.Count -ne 1) { $problems.Add("$($cmd.Name): the synopsis must be one paragraph") }
    if ($examples.Count -lt 2) { $problems.Add("$($cmd.Name): $($examples.Count) example(s); at least two are needed") }
    $instance = [Activator]::CreateInstance($cmd.ImplementingType)

    Start-El 'command:command'
    foreach ($prefix in 'maml', 'command', 'dev') { $w.WriteAttributeString('xmlns', $prefix, $null, $ns[$prefix]) }
    Start-El 'command:details'
    Write-El 'command:name' $cmd.Name
    Write-El 'command:verb' $cmd.Verb
    Write-El 'command:noun' $cmd.Noun
    Write-Description $synopsis
    $w.WriteEndElement()
    Write-Description (Get-Paragraphs $sections['DESCRIPTION'])

    Start-El 'command:syntax'
    foreach ($set in $cmd.ParameterSets) {
        Start-El 'command:syntaxItem'
        Write-El 'maml:name' $cmd.Name
        foreach ($sp in $set.Parameters | Where-Object { $_.Name -notin $commonParameters -or $standardParameters.Contains($_.Name) }) {
            Write-Parameter $cmd.Parameters[$sp.Name] $sp $parameterText[$sp.Name] $instance
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    Start-El 'command:parameters'
    foreach ($p in $parameters) { Write-Parameter $p $null $parameterText[$p.Name] $instance }
    $w.WriteEndElement()

    foreach ($kind in @(@('INPUTS', 'command:inputTypes', 'command:inputType'), @('OUTPUTS', 'command:returnValues', 'command:returnValue'))) {
        Start-El $kind[1]
        foreach ($t in (Get-Subsections $sections[$kind[0]]).GetEnumerator()) {
            Start-El $kind[2]
            Start-El 'dev:type'; Write-El 'maml:name' $t.Key; $w.WriteEndElement()
            Write-Description (Get-Paragraphs $t.Value)
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }

    Start-El 'maml:alertSet'
    Start-El 'maml:alert'; Write-Paras (Get-Paragraphs $sections['NOTES']); $w.WriteEndElement()
    $w.WriteEndElement()

    Start-El 'command:examples'
    foreach ($e in $examples) {
        Start-El 'command:example'
        Write-El 'maml:title' "-------------------------- $($e.Title) --------------------------"
        Write-El 'dev:code' $e.Code
        Start-El 'dev:remarks'; Write-Paras $e.Remarks; $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    Start-El 'command:relatedLinks'
    foreach ($link in $sections['RELATED LINKS'] | Where-Object { $_ -match '^- (.+)$' } | ForEach-Object { $Matches[1].Trim() }) {
        Start-El 'maml:navigationLink'; Write-El 'maml:linkText' $link; Write-El 'maml:uri' ''; $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteEndElement()   # command:command
}
$w.WriteEndElement()
$w.WriteEndDocument()
$w.Dispose()

if ($problems.Count) { throw "Help is incomplete:`n  $($problems -join "`n  ")" }
[IO.File]::WriteAllBytes($mamlPath, $maml.ToArray())
foreach ($page in Get-ChildItem $Source -Filter 'about_*.help.txt') { Copy-Item $page.FullName $destination }
Write-Host "Help: $mamlPath"
