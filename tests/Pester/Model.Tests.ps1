BeforeAll { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }

Describe 'LrePowerShell module' {
    It 'exports the model-stack cmdlets' {
        $names = (Get-Command -Module LrePowerShell).Name
        foreach ($c in 'Import-LreModel', 'Get-LreLayer', 'ConvertTo-LreToken', 'Get-LreHiddenState', 'Get-LrePrediction', 'Invoke-LreGeneration') {
            $names | Should -Contain $c
        }
    }
}

Describe 'Fixtures through the cmdlets reproduce their float64 goldens' {
    BeforeDiscovery {
        $fixtures = 'gpt2', 'llama', 'llama_bf16', 'qwen2', 'qwen3', 'gemma2', 'gemma2_bf16', 'gemma3', 'gptj' | ForEach-Object { @{ Fixture = $_ } }
    }

    It '<Fixture>: token ids, every block output, all positions of the listed layers, top-5 logits' -ForEach $fixtures {
        if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason; return }
        $golden = Get-Golden $Fixture
        $model = Import-LreModel -Path (Get-FixturePath $Fixture)
        try {
            $model.Architecture | Should -Be $golden.model_type
            $model.LayerCount | Should -Be $golden.num_layers
            $model.DType | Should -Be 'float32'
            foreach ($p in $golden.prompts) {
                (ConvertTo-LreToken -Model $model -Text $p.text).Id | Should -Be $p.input_ids
                $states = Get-LreHiddenState -Model $model -Prompt $p.text -Layer (0..($golden.num_layers - 1))
                foreach ($s in $states) {
                    Get-RelativeError $s.Vector $p.block_output_last[$s.Layer] | Should -BeLessOrEqual 3e-5
                }
                foreach ($layer in $golden.layers_with_all_positions) {
                    $all = Get-LreHiddenState -Model $model -Prompt $p.text -Layer $layer -Position All
                    $all.Count | Should -Be $p.num_tokens
                    foreach ($s in $all) {
                        Get-RelativeError $s.Vector $p.block_output_all_positions."$layer"[$s.Position] | Should -BeLessOrEqual 3e-5
                    }
                }
                $top = Get-LrePrediction -Model $model -Prompt $p.text -Top 5
                $top.TokenId | Should -Be $p.logits_last_top5.ids
                for ($i = 0; $i -lt 5; $i++) {
                    [Math]::Abs($top[$i].Logit - $p.logits_last_top5.values[$i]) | Should -BeLessOrEqual (1e-4 + 1e-5 * [Math]::Abs($p.logits_last_top5.values[$i]))
                }
            }
        } finally { $model.Dispose() }
    }

    It '<Fixture> computed in bfloat16 matches the bf16 emulation' -ForEach @(@{ Fixture = 'llama_bf16' }, @{ Fixture = 'gemma2_bf16' }) {
        if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason; return }
        $golden = Get-Golden $Fixture
        $model = Import-LreModel -Path (Get-FixturePath $Fixture) -DType bfloat16
        try {
            $model.DType | Should -Be 'bfloat16'
            for ($i = 0; $i -lt $golden.prompts.Count; $i++) {
                $text = $golden.prompts[$i].text
                $emu = $golden.bf16_emulation.prompts[$i]
                foreach ($s in Get-LreHiddenState -Model $model -Prompt $text -Layer (0..($golden.num_layers - 1))) {
                    Get-RelativeError $s.Vector $emu.block_output_last[$s.Layer] | Should -BeLessOrEqual 8e-2
                }
                (Get-LrePrediction -Model $model -Prompt $text -Top 1).TokenId | Should -Be $emu.logits_last_top5.ids[0]
            }
        } finally { $model.Dispose() }
    }
}

Describe 'stories260k (a trained Llama) against llama2.c run.c' {
    BeforeAll {
        $script:StoriesPath = if ($script:Shared) { Join-Path $script:Shared 'models/stories260k' } else { $null }
        if ($script:StoriesPath) {
            $script:Stories = Get-Content (Join-Path $script:StoriesPath 'golden.json') -Raw | ConvertFrom-Json
            $script:StoriesModel = Import-LreModel -Path (Join-Path $script:StoriesPath 'hf')
        }
    }
    AfterAll { if ($script:StoriesModel) { $script:StoriesModel.Dispose() } }

    It 'generates run.c''s 64 greedy ids for every golden prompt' {
        if (-not $script:StoriesPath) { Set-ItResult -Skipped -Because $script:NoSharedReason; return }
        foreach ($p in $script:Stories.prompts) {
            $g = Invoke-LreGeneration -Model $script:StoriesModel -Prompt $p.prompt -MaxNewTokens 64
            $g.TokenIds | Should -Be $p.greedy_ids
            $g.Text | Should -Be $p.greedy_text
        }
    }

    It 'matches run.c''s block outputs and top-5 logits within 1e-4' {
        if (-not $script:StoriesPath) { Set-ItResult -Skipped -Because $script:NoSharedReason; return }
        foreach ($p in $script:Stories.prompts) {
            (ConvertTo-LreToken -Model $script:StoriesModel -Text $p.prompt).Id | Should -Be $p.prompt_ids
            foreach ($s in Get-LreHiddenState -Model $script:StoriesModel -Prompt $p.prompt -Layer (0..4)) {
                $expected = $p.block_outputs[$s.Layer]
                for ($i = 0; $i -lt $expected.Count; $i++) { [Math]::Abs($s.Vector[$i] - $expected[$i]) | Should -BeLessOrEqual 1e-4 }
            }
            $top = Get-LrePrediction -Model $script:StoriesModel -Prompt $p.prompt -Top 5
            $top.TokenId | Should -Be $p.runc_top5_ids
            for ($i = 0; $i -lt 5; $i++) { [Math]::Abs($top[$i].Logit - $p.runc_top5_logits[$i]) | Should -BeLessOrEqual 1e-4 }
        }
    }
}
