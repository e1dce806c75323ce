BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
    if ($script:Shared) {
        $script:Stories = Import-LreModel -Path (Join-Path $script:Shared 'models/stories260k/hf')
        $script:Pronoun = Import-LreRelation (Join-Path $script:Shared 'models/stories260k/relations.json') | Where-Object Name -eq 'name_to_subject_pronoun'
    }
    # writes a relation file in the paper's format
    function New-RelationFile([string]$Name, [string]$Template, [object[]]$Pairs) {
        $path = Join-Path $TestDrive "$Name.json"
        @{ name = $Name; prompt_templates = @($Template); samples = @($Pairs | ForEach-Object { @{ subject = $_[0]; object = $_[1] } }) } |
            ConvertTo-Json -Depth 5 | Set-Content $path
        $path
    }
}
AfterAll { if ($script:Stories) { $script:Stories.Dispose() } }

Describe 'Import-LreRelation' {
    It 'reads the seed''s flat list (data/data_sample.json)' {
        $r = Import-LreRelation (Join-Path $script:Repo 'data/data_sample.json')
        $r.SampleCount | Should -Be 38
        $r.Samples[0].Subject | Should -Be 'nursing'
        $r.Samples[0].Object | Should -Be 'women'
        $r.Template | Should -Be '{} students are typically'   # a flat list takes the seed's template
    }
    It 'reads the project''s relations in the paper''s format from the pipeline' {
        $r = Get-ChildItem (Join-Path $script:Repo 'data/relations/*.json') | Import-LreRelation
        $r.Count | Should -Be 5
        ($r | Where-Object Name -eq 'country capital').Template | Should -Be 'The capital of {} is'
    }
    It 'reads the paper''s files' {
        if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason; return }
        $r = Import-LreRelation (Join-Path $script:Shared 'datasets/relations/data/bias/degree_gender.json')
        $r.Name | Should -Be 'univ degree gender'
        $r.Template | Should -Be '{} students are typically'
        $r.SampleCount | Should -Be 38
    }
    It 'reads a bundle of relations as one object each' {
        if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason; return }
        (Import-LreRelation (Join-Path $script:Shared 'models/stories260k/relations.json')).Name |
            Should -Be @('name_to_subject_pronoun_sentence_start', 'name_to_subject_pronoun', 'name_to_possessive_pronoun', 'person_noun_to_subject_pronoun')
    }
    It 'reports duplicate subjects as a warning and keeps the first pair' {
        $path = New-RelationFile 'dups' '{} is' @(@('a', 'x'), @('b', 'y'), @('a', 'z'))
        $r = Import-LreRelation $path -WarningVariable w -WarningAction SilentlyContinue
        $r.SampleCount | Should -Be 2
        $w.Count | Should -Be 1
        "$w" | Should -BeLike "*Duplicate subject 'a'*"
    }
    It 'malformed files: <Case>' -ForEach @(
        @{ Case = 'not JSON'; Text = '{ nope'; Id = 'RelationInvalid' },
        @{ Case = 'no samples'; Text = '{"name": "x", "prompt_templates": ["{} is"]}'; Id = 'RelationInvalid' },
        @{ Case = 'a sample without object'; Text = '[{"subject": "a"}]'; Id = 'RelationInvalid' },
        @{ Case = 'an empty object'; Text = '[{"subject": "a", "object": " "}]'; Id = 'RelationObjectEmpty' },
        @{ Case = 'a template without {}'; Text = '{"prompt_templates": ["no slot"], "samples": [{"subject": "a", "object": "b"}]}'; Id = 'TemplateInvalid' }) {
        $path = Join-Path $TestDrive 'bad.json'; Set-Content $path $Text
        (Get-ErrorRecord { Import-LreRelation $path }).FullyQualifiedErrorId | Should -BeLike "$Id,*"
    }
}

Describe 'New-LreOperator and Test-LreFaithfulness on the fixture goldens' {
    BeforeEach { if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason } }

    It 'reproduces the few-shot golden''s predictions at every beta (<Fixture>)' -ForEach @(@{ Fixture = 'gpt2' }, @{ Fixture = 'llama' }) {
        $g = Get-Golden "lre_$($Fixture)_fewshot"
        $train = New-RelationFile 'train' $g.template @($g.relation.train | ForEach-Object { , @($_.subject, $_.object) })
        $test = New-RelationFile 'test' $g.template @($g.relation.test | ForEach-Object { , @($_.subject, $_.object) })
        $m = Import-LreModel -Path (Get-FixturePath $Fixture)
        try {
            $op = $m | New-LreOperator -Layer 1 -Data $train -TestData $test
            $op.TrainSamples | Should -Be 8
            $op.TestSamples | Should -Be 4
            $op.FewShot | Should -Be 'all'
            $testSamples = $g.samples | Where-Object split -eq 'test'
            foreach ($beta in '1.0', '2.5', '5.0', '10.0') {
                $rows = $op | Test-LreFaithfulness -PerSample -Beta ([double]$beta) 6>$null
                $rows.LreTokenId | Should -Be @($testSamples | ForEach-Object { $_.lre_pred_by_beta.$beta })
                $rows.ModelTokenId | Should -Be @($testSamples | ForEach-Object { $_.lm_pred })
                ($op | Test-LreFaithfulness -Beta ([double]$beta)).Faithful | Should -Be $g.faithfulness.$beta.n_faithful
            }
        } finally { $m.Dispose() }
    }
}

Describe 'LRE on stories260k (a trained model that knows name -> pronoun)' {
    BeforeEach { if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason } }

    It 'sweeps layers into Export-Csv with clean columns' {
        $csv = Join-Path $TestDrive 'sweep.csv'
        $script:Stories | New-LreOperator -Relation $script:Pronoun -Layer (0..4) -TrainCount 8 | Test-LreFaithfulness | Export-Csv $csv
        $rows = Import-Csv $csv
        $rows.Count | Should -Be 5
        $rows.Layer | Should -Be @('0', '1', '2', '3', '4')
        ($rows[0].PSObject.Properties.Name -join ',') | Should -Be 'Model,Relation,Layer,Method,Beta,Rank,Total,Faithful,Faithfulness,Correct,Accuracy,ModelCorrect,ModelAccuracy'
        $rows | ForEach-Object { [double]$_.Faithfulness | Should -BeGreaterOrEqual 0 }
    }
    It 'the Jacobian operator beats the regression baseline at its best layer (8 training pairs, as the paper)' {
        $j = $script:Stories | New-LreOperator -Relation $script:Pronoun -Layer (0..4) -TrainCount 8 | Test-LreFaithfulness -Beta 1, 2, 4
        $r = $script:Stories | New-LreOperator -Relation $script:Pronoun -Layer (0..4) -TrainCount 8 -Method Regression | Test-LreFaithfulness
        $best = $j | Sort-Object Faithfulness -Descending | Select-Object -First 1
        $best.Faithfulness | Should -BeGreaterThan 0.9
        $best.Faithfulness | Should -BeGreaterThan (($r | Where-Object Layer -eq $best.Layer).Faithfulness + 0.05)
        $best.Faithfulness | Should -BeGreaterThan (($r | Measure-Object Faithfulness -Maximum).Maximum)
    }
    It 'per-sample rows, then the seed''s faithfulness line on the host' {
        $op = $script:Stories | New-LreOperator -Relation $script:Pronoun -Layer 2 -FewShot 0 -Beta 2
        $out = & { $op | Test-LreFaithfulness -PerSample } 6>&1 | Out-String
        $rows = $op | Test-LreFaithfulness -PerSample 6>$null
        $rows.Count | Should -Be $op.TestSamples
        $rows[0].PSObject.TypeNames[0] | Should -Be 'LrePowerShell.LreFaithfulnessSample'
        $faithful = @($rows | Where-Object Faithful).Count
        $out | Should -Match ("Faithfulness: {0}/{1} \(" -f $faithful, $rows.Count)
    }
    It 'causality per rank' {
        $op = $script:Stories | New-LreOperator -Relation $script:Pronoun -Layer 2 -TrainCount 8
        $c = $op | Test-LreCausality -Rank 0, 8, 16
        ($c | ForEach-Object Rank) | Should -Be @(0, 8, 16)
        ($c | Where-Object Rank -eq 8).Causality | Should -BeGreaterThan 0.5
        $c | ForEach-Object { $_.Total | Should -BeGreaterThan 0 }
    }
    It 'the design card''s pipeline runs as written' {
        $csv = Join-Path $TestDrive 'faithfulness.csv'
        Import-LreModel -Path (Join-Path $script:Shared 'models/stories260k/hf') |
            New-LreOperator -Layer 2 -Data (Join-Path $TestDrive (New-RelationFile 'pronoun' '{} was sad because' @(($script:Pronoun.Samples | ForEach-Object { , @($_.Subject, $_.Object) })) | Split-Path -Leaf)) |
            Test-LreFaithfulness |
            Export-Csv $csv
        (Import-Csv $csv).Method | Should -Be 'Jacobian'
    }
}

Describe 'Export-LreOperator / Import-LreOperator' {
    BeforeAll {
        if ($script:Shared) { $script:Op = $script:Stories | New-LreOperator -Relation $script:Pronoun -Layer 3 -TrainCount 8 -Rank 16 -Beta 2 }
    }
    BeforeEach { if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason } }

    It 'round-trips to identical predictions' {
        $path = Join-Path $TestDrive 'op.safetensors'
        $file = $script:Op | Export-LreOperator -Path $path
        $file.Name | Should -Be 'op.safetensors'
        $back = Import-LreOperator -Path $path -Model $script:Stories
        $back.Layer | Should -Be 3; $back.Rank | Should -Be 16; $back.Beta | Should -Be 2; $back.Method | Should -Be 'Jacobian'
        $back.TrainSamples | Should -Be 8
        ($back | Test-LreFaithfulness -PerSample 6>$null).LreTokenId | Should -Be ($script:Op | Test-LreFaithfulness -PerSample 6>$null).LreTokenId
    }
    It 'writes weight and bias as fp32 safetensors with metadata' {
        $path = Join-Path $TestDrive 'meta.safetensors'
        $script:Op | Export-LreOperator -Path $path | Out-Null
        $bytes = [IO.File]::ReadAllBytes($path)
        $header = [Text.Encoding]::UTF8.GetString($bytes, 8, [BitConverter]::ToUInt64($bytes, 0)) | ConvertFrom-Json
        $header.weight.dtype | Should -Be 'F32'
        $header.weight.shape | Should -Be @(64, 64)
        $header.bias.shape | Should -Be @(64)
        $header.__metadata__.layer | Should -Be '3'
        $header.__metadata__.method | Should -Be 'Jacobian'
        $header.__metadata__.template | Should -Be '{} was sad because'
    }
    It 'never overwrites without -Force, and -WhatIf writes nothing' {
        $path = Join-Path $TestDrive 'keep.safetensors'
        Set-Content $path 'precious'
        (Get-ErrorRecord { $script:Op | Export-LreOperator -Path $path }).FullyQualifiedErrorId | Should -BeLike 'OperatorFileExists,*'
        Get-Content $path | Should -Be 'precious'
        $script:Op | Export-LreOperator -Path (Join-Path $TestDrive 'whatif.safetensors') -WhatIf
        Test-Path (Join-Path $TestDrive 'whatif.safetensors') | Should -BeFalse
        $script:Op | Export-LreOperator -Path $path -Force | Out-Null
        (Get-Item $path).Length | Should -BeGreaterThan 1000
    }
    It 'a folder as -Path takes one file per operator' {
        $dir = New-Item -ItemType Directory (Join-Path $TestDrive 'ops')
        $script:Stories | New-LreOperator -Relation $script:Pronoun -Layer 1, 2 -TrainCount 4 | Export-LreOperator -Path $dir | Out-Null
        (Get-ChildItem $dir).Name | Should -Be @('name_to_subject_pronoun_layer1_jacobian.safetensors', 'name_to_subject_pronoun_layer2_jacobian.safetensors')
    }
    It 'refuses an operator made on another model' {
        $path = Join-Path $TestDrive 'other.safetensors'
        $script:Op | Export-LreOperator -Path $path | Out-Null
        $other = Import-LreModel -Path (Get-FixturePath 'llama')
        try {
            (Get-ErrorRecord { Import-LreOperator -Path $path -Model $other }).FullyQualifiedErrorId | Should -BeLike 'OperatorModelMismatch,*'
        } finally { $other.Dispose() }
    }
    It 'refuses a file that is not an operator' {
        (Get-ErrorRecord { Import-LreOperator -Path (Join-Path (Get-FixturePath 'llama') 'model.safetensors') -Model $script:Stories }).FullyQualifiedErrorId | Should -BeLike 'OperatorFileInvalid,*'
    }
}

Describe 'New-LreOperator bad inputs' {
    BeforeEach { if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason } }

    It 'a template without {}' {
        (Get-ErrorRecord { $script:Stories | New-LreOperator -Relation $script:Pronoun -Layer 1 -Template 'no slot here' }).FullyQualifiedErrorId | Should -BeLike 'TemplateInvalid,*'
    }
    It 'fewer than 2 training samples' {
        (Get-ErrorRecord { $script:Stories | New-LreOperator -Relation $script:Pronoun -Layer 1 -TrainCount 1 }).FullyQualifiedErrorId | Should -BeLike 'TooFewTrainingSamples,*'
    }
    It 'a layer beyond the model' {
        (Get-ErrorRecord { $script:Stories | New-LreOperator -Relation $script:Pronoun -Layer 5 }).FullyQualifiedErrorId | Should -BeLike 'LayerOutOfRange,*'
    }
    It 'a missing data file' {
        (Get-ErrorRecord { $script:Stories | New-LreOperator -Data (Join-Path $TestDrive 'none.json') -Layer 1 }).FullyQualifiedErrorId | Should -BeLike 'RelationFileNotFound,*'
    }
    It 'a subject not found in its prompt (Qwen''s NFC normalizer leaves a combining mark in no token)' {
        $path = New-RelationFile 'nfc' 'I like {}' @(@("cafe$([char]0x301)", 'drink'), @('tea', 'drink'), @('water', 'drink'))
        $m = Import-LreModel -Path (Get-FixturePath 'qwen2')
        try {
            (Get-ErrorRecord { $m | New-LreOperator -Data $path -Layer 1 -TrainCount 3 -FewShot 0 }).FullyQualifiedErrorId | Should -BeLike 'SubjectNotFound,*'
            (Get-LrePrediction -Model $m -Prompt 'I like tea' -Top 1).Rank | Should -Be 1
        } finally { $m.Dispose() }
    }
    It 'a relation whose only test samples lack a second object cannot test causality' {
        $path = New-RelationFile 'same' '{} was sad because' @(@('Lily', 'she'), @('Sue', 'she'), @('Amy', 'she'), @('Kim', 'she'))
        $op = $script:Stories | New-LreOperator -Data $path -Layer 1 -TrainCount 2
        (Get-ErrorRecord { $op | Test-LreCausality }).FullyQualifiedErrorId | Should -BeLike 'NoCausalityPairs,*'
    }
}
