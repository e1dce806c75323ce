# Pipeline binding where it is natural, and -WhatIf / -Confirm on the cmdlets that write files.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
    if ($script:Shared) {
        $script:M = Import-LreModel -Path (Join-Path $script:Shared 'models/stories260k/hf')
        $script:Rel = Get-PronounRelation
        $script:Op = $script:M | New-LreOperator -Relation $script:Rel -Layer 2 -TrainCount 4 -FewShot 0
    }
}
AfterAll { if ($script:M) { $script:M.Dispose() } }

Describe 'Pipeline binding' {
    It 'Get-ChildItem data/relations/*.json | Import-LreRelation (by FullName)' {
        $r = Get-ChildItem (Join-Path $script:Repo 'data/relations/*.json') | Import-LreRelation
        $r.Path | Should -Be (Get-ChildItem (Join-Path $script:Repo 'data/relations/*.json')).FullName
    }
    It 'relations from the pipeline into New-LreOperator -Model: one operator per relation' {
        if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason; return }
        $rels = Import-LreRelation (Join-Path $script:Shared 'models/stories260k/relations.json') | Where-Object SampleCount -gt 20 | Select-Object -First 2
        $ops = $rels | New-LreOperator -Model $script:M -Layer 1, 2 -TrainCount 4 -FewShot 0
        $ops.Relation | Should -Be @($rels[0].Name, $rels[0].Name, $rels[1].Name, $rels[1].Name)
        $ops.Layer | Should -Be @(1, 2, 1, 2)
    }
    It 'prompts from the pipeline into <Command>' -ForEach @(
        @{ Command = 'Get-LrePrediction'; Extra = @{ Top = 1 }; Count = 2 },
        @{ Command = 'Get-LreHiddenState'; Extra = @{ Layer = 1 }; Count = 2 },
        @{ Command = 'Invoke-LreGeneration'; Extra = @{ MaxNewTokens = 2 }; Count = 2 }) {
        if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason; return }
        $out = 'Lily was sad because', 'Ben was sad because' | & $Command -Model $script:M @Extra
        @($out).Count | Should -Be $Count
        $out.Prompt | Should -Be @('Lily was sad because', 'Ben was sad because')
    }
    It 'the model still binds from the pipeline with -Prompt given' {
        if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason; return }
        ($script:M | Get-LrePrediction -Prompt 'Lily was sad because' -Top 1).Rank | Should -Be 1
    }
    It 'Get-ChildItem *.safetensors | Import-LreOperator -Model (by FullName)' {
        if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason; return }
        $folder = New-Item -ItemType Directory (Join-Path $TestDrive 'ops')
        $null = $script:M | New-LreOperator -Relation $script:Rel -Layer 1, 3 -TrainCount 4 -FewShot 0 | Export-LreOperator -Path $folder
        (Get-ChildItem $folder/*.safetensors | Import-LreOperator -Model $script:M).Layer | Should -Be @(1, 3)
    }
}

Describe '-WhatIf and -Confirm on the cmdlets that write files' {
    BeforeEach { if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason } }

    It 'Export-LreOperator -WhatIf writes nothing' {
        $path = Join-Path $TestDrive 'whatif.safetensors'
        $script:Op | Export-LreOperator -Path $path -WhatIf | Should -BeNullOrEmpty
        $path | Should -Not -Exist
    }
    It '<_> takes -WhatIf and -Confirm' -ForEach @('Export-LreOperator') {
        (Get-Command $_).Parameters.Keys | Should -Contain 'Confirm'
        (Get-Command $_).Parameters.Keys | Should -Contain 'WhatIf'
    }
}
