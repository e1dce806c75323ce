# Import-LreModel with no name: the embedded model published inside the module, and the README's main job on it.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
    # the main job's layer and beta live in one place: the defaults of tools/main-job.ps1
    $ast = [System.Management.Automation.Language.Parser]::ParseFile((Join-Path $script:Repo 'tools/main-job.ps1'), [ref]$null, [ref]$null)
    $script:MainJob = @{}
    foreach ($p in $ast.ParamBlock.Parameters) { $script:MainJob[$p.Name.VariablePath.UserPath] = $p.DefaultValue.SafeGetValue() }
}

Describe 'The embedded model through Import-LreModel' {
    It 'loads with no name, offline, from inside the module' {
        $m = Import-LreModel
        try {
            $m.Name | Should -Be 'lre-tiny'
            $m.Architecture | Should -Be 'gpt2'
            $m.Path | Should -BeLike "$(Split-Path (Resolve-Path $script:ModulePath))*"
        } finally { $m.Dispose() }
    }
    It 'loads by its alias' {
        $m = Import-LreModel lre-tiny
        try { $m.LayerCount | Should -BeGreaterThan 0 } finally { $m.Dispose() }
    }
    It 'the main job''s operator is faithful on at least 80% of the seed''s test split' {
        $m = Import-LreModel
        try {
            $r = $m | New-LreOperator -Layer $script:MainJob.Layer -Beta $script:MainJob.Beta -Data (Join-Path $script:Repo 'data/data_sample.json') | Test-LreFaithfulness
            $r.Total | Should -Be 16
            $r.Faithfulness | Should -BeGreaterOrEqual 0.8
        } finally { $m.Dispose() }
    }
    It 'a published module without its models folder fails with EmbeddedModelMissing' {
        # a copy of the module made of links to every file except models/
        $copy = Join-Path $TestDrive 'LrePowerShell'
        New-Item -ItemType Directory $copy | Out-Null
        Get-ChildItem (Split-Path $script:ModulePath) | Where-Object Name -ne 'models' |
            ForEach-Object { New-Item -ItemType SymbolicLink -Path (Join-Path $copy $_.Name) -Target $_.FullName | Out-Null }
        $job = Start-Job -ArgumentList (Join-Path $copy 'LrePowerShell.psd1') -ScriptBlock {
            param($module)
            Import-Module $module
            try { Import-LreModel | Out-Null; 'loaded' } catch { $_.FullyQualifiedErrorId }
        }
        $result = $job | Wait-Job -Timeout 120 | Receive-Job
        $job | Remove-Job -Force
        $result | Should -BeLike 'EmbeddedModelMissing,*'
    }
}
