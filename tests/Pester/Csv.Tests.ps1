# Every output object exports cleanly with Export-Csv: scalar columns, no "System.Single[]"-style cells.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    function Assert-CleanCsv($Objects) {
        $csv = $Objects | ConvertTo-Csv
        $csv.Count | Should -BeGreaterThan 1
        $csv | Should -Not -Match '"(System|LrePowerShell)\.[A-Za-z.]+(\[\])?"'
    }
}

Describe 'Export-Csv output of every cmdlet' {
    BeforeAll {
        if ($script:Shared) {
            $script:M = Import-LreModel -Path (Join-Path $script:Shared 'models/stories260k/hf')
            $script:Rel = Import-LreRelation (Join-Path $script:Shared 'models/stories260k/relations.json') | Where-Object Name -eq 'name_to_subject_pronoun'
            $script:Op = $script:M | New-LreOperator -Relation $script:Rel -Layer 2 -TrainCount 4
        }
    }
    AfterAll { if ($script:M) { $script:M.Dispose() } }
    BeforeEach { if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason } }

    It '<Cmd>' -ForEach @(
        @{ Cmd = 'Import-LreModel'; Body = { $script:M } },
        @{ Cmd = 'Get-LreLayer'; Body = { $script:M | Get-LreLayer } },
        @{ Cmd = 'ConvertTo-LreToken'; Body = { ConvertTo-LreToken -Model $script:M -Text 'Lily was sad' } },
        @{ Cmd = 'Get-LreHiddenState'; Body = { Get-LreHiddenState -Model $script:M -Prompt 'Lily was sad' -Layer 1 } },
        @{ Cmd = 'Get-LrePrediction'; Body = { Get-LrePrediction -Model $script:M -Prompt 'Lily was sad' } },
        @{ Cmd = 'Invoke-LreGeneration'; Body = { Invoke-LreGeneration -Model $script:M -Prompt 'Lily was sad' -MaxNewTokens 3 } },
        @{ Cmd = 'Import-LreRelation'; Body = { $script:Rel } },
        @{ Cmd = 'New-LreOperator'; Body = { $script:Op } },
        @{ Cmd = 'Test-LreFaithfulness'; Body = { $script:Op | Test-LreFaithfulness } },
        @{ Cmd = 'Test-LreFaithfulness -PerSample'; Body = { $script:Op | Test-LreFaithfulness -PerSample 6>$null } },
        @{ Cmd = 'Test-LreCausality'; Body = { $script:Op | Test-LreCausality -Rank 0, 4 } }) {
        Assert-CleanCsv (& $Body)
    }

    It 'hidden array properties stay readable' {
        (Get-LreHiddenState -Model $script:M -Prompt 'Lily was sad' -Layer 1).Vector.Count | Should -Be 64
        (Invoke-LreGeneration -Model $script:M -Prompt 'Lily was sad' -MaxNewTokens 3).TokenIds.Count | Should -Be 3
        $script:Rel.Samples.Count | Should -Be $script:Rel.SampleCount
        $script:Op.TrainData.Count | Should -Be 4
    }
}
