# Tab completion, through TabExpansion2 as the console's Tab key calls it.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
    function Complete([string]$Line) { (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches }
}

Describe 'Import-LreModel -Name: aliases and the models in the hub cache' {
    BeforeAll {
        $script:Saved = @{}
        foreach ($v in 'HF_HUB_CACHE', 'HUGGINGFACE_HUB_CACHE', 'HF_HOME') { $script:Saved[$v] = [Environment]::GetEnvironmentVariable($v) }
        # a cache as huggingface_hub lays it out: only repositories with a snapshot count
        function New-Cache([string]$Root) {
            foreach ($repo in 'models--openai-community--gpt2', 'models--Qwen--Qwen2.5-0.5B', 'models--EleutherAI--pythia-70m') {
                New-Item -ItemType Directory -Force (Join-Path $Root "$repo/snapshots/0123456789abcdef0123456789abcdef01234567") | Out-Null
            }
            New-Item -ItemType Directory -Force (Join-Path $Root 'models--half--downloaded/blobs'), (Join-Path $Root 'datasets--some--data/snapshots/x') | Out-Null
            $Root
        }
    }
    AfterAll { foreach ($v in $script:Saved.Keys) { [Environment]::SetEnvironmentVariable($v, $script:Saved[$v]) } }
    BeforeEach { foreach ($v in $script:Saved.Keys) { [Environment]::SetEnvironmentVariable($v, $null) } }

    It 'offers the aliases, then the cached hub ids, and says which aliases are cached' {
        $env:HF_HUB_CACHE = New-Cache (Join-Path $TestDrive 'cache1')
        $c = Complete 'Import-LreModel '
        $c.CompletionText | Should -Contain 'gpt2-xl'
        $c.CompletionText | Select-Object -Last 3 | Should -Be @('EleutherAI/pythia-70m', 'openai-community/gpt2', 'Qwen/Qwen2.5-0.5B')
        $c.CompletionText | Should -Not -Contain 'half/downloaded'
        ($c | Where-Object CompletionText -eq 'gpt2').ToolTip | Should -Be 'openai-community/gpt2 (in the hub cache)'
        ($c | Where-Object CompletionText -eq 'gpt2-xl').ToolTip | Should -Be 'openai-community/gpt2-xl'
    }
    It 'completes a cached hub id from its beginning' {
        $env:HF_HUB_CACHE = New-Cache (Join-Path $TestDrive 'cache2')
        (Complete 'Import-LreModel qwen').CompletionText | Should -Be @('qwen2.5-0.5b', 'qwen2.5-1.5b', 'qwen3-0.6b', 'qwen3-1.7b', 'Qwen/Qwen2.5-0.5B')
        (Complete 'Import-LreModel -Name Eleuther').CompletionText | Should -Be @('EleutherAI/pythia-70m')
    }
    It 'finds the cache under HF_HOME/hub when HF_HUB_CACHE is not set' {
        $env:HF_HOME = Join-Path $TestDrive 'home'
        $null = New-Cache (Join-Path $env:HF_HOME 'hub')
        (Complete 'Import-LreModel openai-').CompletionText | Should -Be @('openai-community/gpt2')
    }
    It 'offers the aliases alone when there is no cache' {
        $env:HF_HUB_CACHE = Join-Path $TestDrive 'nothing-here'
        (Complete 'Import-LreModel gemma-3').CompletionText | Should -Be @('gemma-3-1b', 'gemma-3-270m')
    }
}

Describe '-Layer: blocks of the given model' {
    BeforeAll { if ($script:Shared) { $script:M = Import-LreModel -Path (Join-Path $script:Shared 'models/stories260k/hf') } }
    AfterAll { if ($script:M) { $script:M.Dispose() } }
    BeforeEach { if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason } }

    It 'New-LreOperator -Model $m -Layer: the indices, then the module names' {
        $m = $script:M
        $c = Complete 'New-LreOperator -Model $m -Layer '
        $c.CompletionText | Should -Be @('0', '1', '2', '3', '4', 'model.layers.0', 'model.layers.1', 'model.layers.2', 'model.layers.3', 'model.layers.4')
        $c[2].ToolTip | Should -Be 'model.layers.2 (full attention)'
    }
    It 'Get-LreHiddenState -Layer with the model piped in from a variable' {
        $m = $script:M
        (Complete '$m | Get-LreHiddenState -Prompt x -Layer model.layers.').CompletionText | Should -HaveCount 5
        (Complete '$m | New-LreOperator -Data x.json -Layer 3').CompletionText | Should -Be @('3')
    }
    It 'after a comma, for the next layer' {
        $m = $script:M
        (Complete 'Get-LreHiddenState -Model $m -Prompt x -Layer 1, model.layers.4').CompletionText | Should -Be @('model.layers.4')
    }
    It 'nothing where the model is not known yet (completion never loads one)' {
        (Complete 'Import-LreModel x | New-LreOperator -Data x.json -Layer ').CompletionText | Should -BeNullOrEmpty
    }
}

Describe 'Relation files and positions' {
    BeforeAll { Push-Location $script:Repo }
    AfterAll { Pop-Location }

    It 'Import-LreRelation -Path: .json files and folders, nothing else' {
        (Complete 'Import-LreRelation data/relations/co').CompletionText | Should -Be @('./data/relations/country_capital.json', './data/relations/country_language.json')
        $c = (Complete 'Import-LreRelation data/').CompletionText
        $c | Should -Contain './data/data_sample.json'
        $c | Should -Contain './data/relations'
        $c | Should -Not -Contain './data/README.md'
    }
    It '<Line>' -ForEach @(
        @{ Line = 'New-LreOperator -Data data/data' },
        @{ Line = 'New-LreOperator -Data x.json -TestData data/data' },
        @{ Line = 'Test-LreFaithfulness -Data data/data' }) {
        (Complete $Line).CompletionText | Should -Be @('./data/data_sample.json')
    }
    It 'Get-LreHiddenState -Position: Last, SubjectLast, All' {
        (Complete 'Get-LreHiddenState -Position ').CompletionText | Should -Be @('Last', 'SubjectLast', 'All')
        (Complete 'Get-LreHiddenState -Position s').CompletionText | Should -Be @('SubjectLast')
    }
}
