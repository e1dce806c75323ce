# Get-Help for every exported cmdlet, from the MAML that build/New-ModuleHelp.ps1 generates out of docs/help.
BeforeDiscovery {
    $modulePath = if ($env:LRE_MODULE) { $env:LRE_MODULE } else { Join-Path $PSScriptRoot '../../out/LrePowerShell/LrePowerShell.psd1' }
    $script:Cmdlets = (Import-Module $modulePath -PassThru -Force).ExportedCmdlets.Keys | Sort-Object | ForEach-Object { @{ Name = $_ } }
}
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Common = [Management.Automation.PSCmdlet]::CommonParameters
}

Describe 'Get-Help <Name> -Full' -ForEach $script:Cmdlets {
    BeforeAll { $script:Help = Get-Help $Name -Full }

    It 'has a synopsis and a description' {
        $script:Help.Synopsis | Should -Not -BeNullOrEmpty
        # without help, PowerShell fills the synopsis in with the syntax
        $script:Help.Synopsis | Should -Not -BeLike "$Name *"
        ($script:Help.description.Text -join ' ').Length | Should -BeGreaterThan 100
    }

    It 'describes every parameter' {
        $documented = @{}
        foreach ($p in $script:Help.parameters.parameter) { $documented[$p.name] = ($p.description.Text -join ' ').Trim() }
        foreach ($name in (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $script:Common }) {
            $documented[$name] | Should -Not -BeNullOrEmpty -Because "-$name of $Name needs a description"
        }
    }

    It 'has at least two examples that parse and call only commands that exist' {
        $examples = @($script:Help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($e in $examples) {
            $tokens = $errors = $null
            $ast = [Management.Automation.Language.Parser]::ParseInput($e.code, [ref]$tokens, [ref]$errors)
            $errors | Should -BeNullOrEmpty -Because $e.title
            ($e.remarks.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty -Because "$($e.title) needs a remark"
            foreach ($c in $ast.FindAll({ $args[0] -is [Management.Automation.Language.CommandAst] }, $true)) {
                Get-Command $c.GetCommandName() -ErrorAction Ignore | Should -Not -BeNullOrEmpty -Because "$($e.title) calls $($c.GetCommandName())"
            }
        }
        # the cmdlet's own example shows it at work
        ($examples.code -join "`n") | Should -Match ([regex]::Escape($Name))
    }

    It 'names its output types' {
        $script:Help.returnValues.returnValue.type.name | Should -Not -BeNullOrEmpty
    }
}

Describe 'about_LrePowerShell' {
    It 'explains LRE, faithfulness and causality' {
        $text = Get-Help about_LrePowerShell | Out-String
        $text | Should -Match 'Linear Relational Embedding'
        $text | Should -Match 'FAITHFULNESS'
        $text | Should -Match 'CAUSALITY'
        $text | Should -Match 'Test-LreCausality'
    }
    It 'is the published en-US topic' {
        Join-Path (Split-Path $script:ModulePath) 'en-US/about_LrePowerShell.help.txt' | Should -Exist
        Join-Path (Split-Path $script:ModulePath) 'en-US/LrePowerShell.dll-Help.xml' | Should -Exist
    }
}
