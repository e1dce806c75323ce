# The console views of module/LrePowerShell.format.ps1xml, rendered with Out-String.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    function Show($InputObject, [switch]$List) {
        if ($List) { $InputObject | Format-List | Out-String -Width 200 } else { $InputObject | Format-Table | Out-String -Width 200 }
    }
    if ($script:Shared) {
        $script:M = Import-LreModel -Path (Join-Path $script:Shared 'models/stories260k/hf')
        $script:Rel = Get-PronounRelation
        $script:Op = $script:M | New-LreOperator -Relation $script:Rel -Layer 2 -TrainCount 8 -FewShot 0
        $script:F = $script:Op | Test-LreFaithfulness
    }
}
AfterAll { if ($script:M) { $script:M.Dispose() } }

Describe 'A view for every output type' {
    BeforeDiscovery {
        $modulePath = if ($env:LRE_MODULE) { $env:LRE_MODULE } else { Join-Path $PSScriptRoot '../../out/LrePowerShell/LrePowerShell.psd1' }
        $module = Import-Module $modulePath -PassThru -Force
        $types = $module.ExportedCmdlets.Values.OutputType.Type + [LrePowerShell.LreSample] |
            Where-Object { $_.Namespace -eq 'LrePowerShell' } | Sort-Object FullName -Unique
        $script:Types = $types | ForEach-Object { @{ Type = $_.FullName } }
    }
    It '<Type> has a table view' -ForEach $script:Types {
        (Get-FormatData -TypeName $Type).FormatViewDefinition | ForEach-Object { $_.Control.GetType().Name } | Should -Contain 'TableControl'
    }
}

Describe 'Views' {
    BeforeEach { if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason } }

    It 'models: parameter counts in millions; the list adds the path and the exact count' {
        $table = Show $script:M
        $table | Should -Match 'Params \(M\)'
        $table | Should -Match ('\s' + [regex]::Escape(('{0:N2}' -f ($script:M.ParameterCount / 1e6))) + '\s*$')
        $list = Show $script:M -List
        $list | Should -Match ('Parameters\s+: ' + [regex]::Escape(('{0:N2} M ({1:N0})' -f ($script:M.ParameterCount / 1e6), $script:M.ParameterCount)))
        $list | Should -Match ([regex]::Escape($script:M.Path))
    }
    It 'layers: blocks with their index, other modules without' {
        $table = Show ($script:M | Get-LreLayer)
        $table | Should -Match '(?m)^\s+2 model\.layers\.2\s+Block\s+full'
        $table | Should -Match '(?m)^\s+model\.norm\s+'
    }
    It 'predictions: grouped by prompt, probabilities as percentages' {
        $p = Get-LrePrediction -Model $script:M -Prompt 'Lily was sad because' -Top 2
        $table = Show $p
        $table | Should -Match 'Prompt: Lily was sad because'
        $table | Should -Match ("'{0}'\s+[\d.]+\s+{1:0.00}%" -f [regex]::Escape($p[0].Token), (100 * $p[0].Probability))
    }
    It 'tokens, hidden states and generations' {
        Show (ConvertTo-LreToken -Model $script:M -Text 'Lily') | Should -Match "Text: Lily"
        Show (Get-LreHiddenState -Model $script:M -Prompt 'Lily' -Layer 1) | Should -Match 'model\.layers\.1'
        Show (Invoke-LreGeneration -Model $script:M -Prompt 'Lily' -MaxNewTokens 3) | Should -Match '(?m)^Lily\s+3 '
    }
    It 'relations and their samples' {
        Show $script:Rel | Should -Match 'name_to_subject_pronoun\s+52 \{\} was sad because'
        Show $script:Rel -List | Should -Match 'Samples\s+: Lily -> she, .+, …'
        Show $script:Rel.Samples[0] | Should -Match 'Lily\s+she'
    }
    It 'operators: full rank and few-shot count; the list shows the layer name and the size of W' {
        Show $script:Op | Should -Match 'name_to_subject_pronoun\s+2 Jacobian\s+1 full\s+0\s+8\s+44 hf'
        Show $script:Op -List | Should -Match 'Layer\s+: 2 \(model\.layers\.2\)'
        Show $script:Op -List | Should -Match 'W\s+: 64 x 64'
    }
    It 'faithfulness: the seed''s "28/38 (73.68%)" form, in the table and the list' {
        $f = $script:F
        $share = '{0}/{1} ({2:0.00}%)' -f $f.Faithful, $f.Total, (100 * $f.Faithfulness)
        Show $f | Should -Match ([regex]::Escape($share))
        Show $f -List | Should -Match ('Faithfulness\s+: ' + [regex]::Escape($share))
        Show $f -List | Should -Match ('ModelAccuracy\s+: {0}/{1} ' -f $f.ModelCorrect, $f.Total)
        "$f" | Should -Be ('Faithfulness: ' + $share)
    }
    It 'the per-sample table has a ✓ column and is grouped by operator' {
        $rows = $script:Op | Test-LreFaithfulness -PerSample 6>$null
        $table = Show $rows
        $table | Should -Match 'Operator: name_to_subject_pronoun, layer 2, beta 1'
        $table | Should -Match 'Subject\s+Expected\s+Model Pred\s+LRE Pred\s+✓'
        $faithful = $rows | Where-Object Faithful | Select-Object -First 1
        $table | Should -Match ('(?m)^{0}\s+{1}\s+\S+\s+\S+\s+✓' -f $faithful.Subject, $faithful.Expected)
        ([regex]::Matches($table, '✓')).Count - 1 | Should -Be @($rows | Where-Object Faithful).Count
    }
    It 'causality: successes of total with a percentage, "full" for rank 0' {
        Show ($script:Op | Test-LreCausality -Rank 0) | Should -Match 'name_to_subject_pronoun\s+2 full\s+\d+/\d+ \(\d+\.\d\d%\)'
    }
    It 'the views leave Export-Csv the raw numbers' {
        $csv = $script:F | ConvertTo-Csv | ConvertFrom-Csv
        [double]$csv.Faithfulness | Should -Be $script:F.Faithfulness
        $csv.PSObject.Properties.Name | Should -Not -Contain 'Vector'
    }
}
