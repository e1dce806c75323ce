# Write-Progress (nested, always completed) and -Verbose (what is computed, how long it took), read from
# the streams of a runspace of their own.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    if ($script:Shared) {
        $script:M = Import-LreModel -Path (Join-Path $script:Shared 'models/stories260k/hf')
        $script:Rel = Get-PronounRelation
        $script:Op = $script:M | New-LreOperator -Relation $script:Rel -Layer 2 -TrainCount 8 -FewShot 0
    }

    # Runs $Script in a runspace of its own; returns its progress records and verbose messages.
    function Invoke-Observed([string]$Script) {
        $ps = New-ModuleRunspace @{ m = $script:M; r = $script:Rel; op = $script:Op; out = $TestDrive }
        try {
            $null = $ps.AddScript($Script).Invoke()
            $ps.HadErrors | Should -BeFalse -Because ($ps.Streams.Error -join '; ')
            [pscustomobject]@{ Progress = @($ps.Streams.Progress); Verbose = @($ps.Streams.Verbose.Message) }
        } finally { $ps.Dispose() }
    }

    # Every activity ends with exactly one Completed record, and nothing is reported after it.
    function Assert-Completed($Records) {
        $Records | Should -Not -BeNullOrEmpty
        foreach ($activity in $Records | Group-Object ActivityId, Activity) {
            @($activity.Group | Where-Object RecordType -eq 'Completed').Count | Should -Be 1 -Because "'$($activity.Name)' must be completed once"
            $activity.Group[-1].RecordType | Should -Be 'Completed'
        }
    }
}
AfterAll { if ($script:M) { $script:M.Dispose() } }

Describe 'Write-Progress' {
    BeforeEach { if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason } }

    It 'New-LreOperator: the layer sweep, with each layer''s training samples nested under it' {
        $o = Invoke-Observed '$m | New-LreOperator -Relation $r -Layer 1, 3 -TrainCount 3 -FewShot 0'
        Assert-Completed $o.Progress
        $sweep = $o.Progress | Where-Object Activity -eq 'New-LreOperator: name_to_subject_pronoun (Jacobian)'
        $sweep.ParentActivityId | Sort-Object -Unique | Should -Be -1
        ($sweep | Where-Object RecordType -ne Completed).StatusDescription | Sort-Object -Unique | Should -Be @('model.layers.1 (1/2)', 'model.layers.3 (2/2)')
        $samples = $o.Progress | Where-Object ParentActivityId -eq $sweep[0].ActivityId
        $samples.Activity | Sort-Object -Unique | Should -Be @('Layer 1: Jacobians of the training samples', 'Layer 3: Jacobians of the training samples')
        ($samples | Where-Object RecordType -ne Completed).StatusDescription | Select-Object -Last 1 | Should -Be 'training sample 3/3'
        $percent = ($sweep | Where-Object RecordType -ne Completed).PercentComplete
        $percent | Should -Be ($percent | Sort-Object) -Because 'the sweep only moves forward'
    }
    It 'Test-LreFaithfulness: prompt batches of each beta' {
        $o = Invoke-Observed '$op | Test-LreFaithfulness -Beta 1, 2'
        Assert-Completed $o.Progress
        $status = ($o.Progress | Where-Object RecordType -ne Completed).StatusDescription
        $status | Should -Contain 'beta 1 (1/2): prompt 44/44' -Because '44 prompts make one batch of at most 64'
        $status | Should -Contain 'beta 2 (2/2): prompt 44/44'
    }
    It 'Test-LreCausality: the reading pass, then the edited prompts of each rank' {
        $o = Invoke-Observed '$op | Test-LreCausality -Rank 1, 0'
        Assert-Completed $o.Progress
        ($o.Progress | Where-Object RecordType -ne Completed).StatusDescription | Select-Object -Last 1 | Should -Be 'prompt 132/132'
    }
    It 'Get-LreHiddenState and Get-LrePrediction: batches of prompts' {
        $o = Invoke-Observed '$null = Get-LreHiddenState -Model $m -Prompt (1..160 | ForEach-Object { "Lily was sad $_" }) -Layer 1, 2; $null = Get-LrePrediction -Model $m -Prompt (1..80 | ForEach-Object { "Ben $_" })'
        Assert-Completed $o.Progress
        ($o.Progress | Where-Object { $_.Activity -eq 'Get-LreHiddenState' -and $_.RecordType -ne 'Completed' }).PercentComplete | Should -Be @(0, 40, 80)
        ($o.Progress | Where-Object { $_.Activity -eq 'Get-LrePrediction' -and $_.RecordType -ne 'Completed' }).StatusDescription[-1] | Should -BeLike '*: 64/80'
    }
    It 'Invoke-LreGeneration: tokens of each prompt' {
        $o = Invoke-Observed 'Invoke-LreGeneration -Model $m -Prompt a, b -MaxNewTokens 4 -IgnoreEos'
        Assert-Completed $o.Progress
        ($o.Progress | Where-Object RecordType -ne Completed).StatusDescription | Should -Be @(
            'prompt 1/2: 1/4 tokens', 'prompt 1/2: 2/4 tokens', 'prompt 1/2: 3/4 tokens', 'prompt 1/2: 4/4 tokens',
            'prompt 2/2: 1/4 tokens', 'prompt 2/2: 2/4 tokens', 'prompt 2/2: 3/4 tokens', 'prompt 2/2: 4/4 tokens')
    }
    It 'Import-LreModel and Export-LreChart' {
        $path = Join-Path $script:Shared 'models/stories260k/hf'
        $o = Invoke-Observed "(Import-LreModel -Path '$path').Dispose(); `$op | Export-LreChart (Join-Path `$out spectrum.png)"
        Assert-Completed $o.Progress
        $o.Progress.Activity | Sort-Object -Unique | Should -Be @('Export-LreChart: singular values', 'Loading hf')
    }
    It 'a pipeline that fails downstream still completes the activities' {
        $ps = New-ModuleRunspace @{ m = $script:M; r = $script:Rel }
        try {
            $null = $ps.AddScript('$m | New-LreOperator -Relation $r -Layer 1, 2 -TrainCount 3 -FewShot 0 | ForEach-Object { throw "downstream fails" }')
            { $ps.Invoke() } | Should -Throw '*downstream fails*'
            Assert-Completed @($ps.Streams.Progress)
        } finally { $ps.Dispose() }
    }
}

Describe '-Verbose' {
    BeforeEach { if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason } }

    It '<Command> says what it computes and how long it took' -ForEach @(
        @{ Command = 'Import-LreModel'; Script = '(Import-LreModel -Path $m.Path -Verbose).Dispose()'; What = "Loading 'hf' from * as float32 on cpu" },
        @{ Command = 'Get-LreHiddenState'; Script = '$null = Get-LreHiddenState -Model $m -Prompt a, b -Layer 1 -Verbose'; What = 'Reading layer 1 at Last of 2 prompts' },
        @{ Command = 'Get-LrePrediction'; Script = '$null = Get-LrePrediction -Model $m -Prompt a -Verbose'; What = 'Predicting the top 5 next tokens of 1 prompt' },
        @{ Command = 'Invoke-LreGeneration'; Script = '$null = Invoke-LreGeneration -Model $m -Prompt a -MaxNewTokens 2 -Verbose'; What = "Generating up to 2 tokens after 'a'" },
        @{ Command = 'New-LreOperator'; Script = '$null = $m | New-LreOperator -Relation $r -Layer 1 -TrainCount 3 -FewShot 0 -Verbose'; What = "Estimating the Jacobian operator of 'name_to_subject_pronoun' at model.layers.1 (52 samples)" },
        @{ Command = 'Test-LreFaithfulness'; Script = '$null = $op | Test-LreFaithfulness -Verbose'; What = 'Evaluating name_to_subject_pronoun @ model.layers.2 (Jacobian) at beta 1 on 44 samples' },
        @{ Command = 'Test-LreCausality'; Script = '$null = $op | Test-LreCausality -Verbose'; What = 'Editing name_to_subject_pronoun @ model.layers.2 (Jacobian) toward other test subjects at rank full' },
        @{ Command = 'Export-LreChart'; Script = '$null = $op | Test-LreFaithfulness | Export-LreChart (Join-Path $out v.svg) -Verbose'; What = 'Drawing 1 line * into *v.svg (800×500 SVG)' }) {
        $o = Invoke-Observed $Script
        @($o.Verbose | Where-Object { $_ -like "$What ..." }).Count | Should -Be 1 -Because ($o.Verbose -join "`n")
        @($o.Verbose | Where-Object { $_ -like "${What}: done in *" })[0] | Should -Match ': done in \d+\.\d+ s\.$'
    }
}
