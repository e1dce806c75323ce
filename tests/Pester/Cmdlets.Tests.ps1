BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    if ($script:Shared) {
        $script:Gpt2 = Import-LreModel -Path (Get-FixturePath 'gpt2')
        $script:Llama = Import-LreModel -Path (Get-FixturePath 'llama')
    }
}
AfterAll { if ($script:Shared) { $script:Gpt2.Dispose(); $script:Llama.Dispose() } }

Describe 'Import-LreModel' {
    BeforeEach { if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason } }

    It 'describes the model' {
        $m = $script:Gpt2
        $m.GetType().Name | Should -Be 'LreModel'
        $m.Name | Should -Be 'gpt2'
        $m.Architecture | Should -Be 'gpt2'
        $m.Device | Should -Be 'cpu'
        $m.HiddenSize | Should -Be 64
        $m.LayerCount | Should -Be 4
        $m.VocabSize | Should -Be 50257
        # wte 50257x64 + wpe 128x64 + 4 blocks + ln_f (tied head adds nothing)
        $m.ParameterCount | Should -Be (50257 * 64 + 128 * 64 + 4 * (2 * 128 + 64 * 192 + 192 + 64 * 64 + 64 + 64 * 256 + 256 + 256 * 64 + 64) + 128)
        $m | Should -BeOfType [System.IDisposable]
    }
    It 'takes the folder by pipeline from Get-Item' {
        $m = Get-Item (Get-FixturePath 'qwen3') | Import-LreModel
        try { $m.Architecture | Should -Be 'qwen3' } finally { $m.Dispose() }
    }
    It 'converts on load with -DType' {
        $m = Import-LreModel -Path (Get-FixturePath 'llama') -DType float16
        try {
            $m.DType | Should -Be 'float16'
            (Get-LrePrediction -Model $m -Prompt 'The capital of France is' -Top 1).TokenId | Should -Be (Get-LrePrediction -Model $script:Llama -Prompt 'The capital of France is' -Top 1).TokenId
        } finally { $m.Dispose() }
    }
    It 'exports cleanly with Export-Csv' {
        $csv = $script:Gpt2 | Select-Object Name, Architecture, Device, DType, LayerCount, HiddenSize, VocabSize, ParameterCount | ConvertTo-Csv
        $csv[0] | Should -Be '"Name","Architecture","Device","DType","LayerCount","HiddenSize","VocabSize","ParameterCount"'
    }
}

Describe 'Get-LreLayer' {
    BeforeEach { if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason } }

    It 'lists GPT-2 modules with HF names' {
        $layers = $script:Gpt2 | Get-LreLayer
        $layers.Name | Should -Be @('transformer.wte', 'transformer.wpe', 'transformer.h.0', 'transformer.h.1', 'transformer.h.2', 'transformer.h.3', 'transformer.ln_f', 'lm_head')
        ($layers | Where-Object Kind -eq 'Block').Index | Should -Be @(0, 1, 2, 3)
        ($layers | Where-Object Kind -ne 'Block').Index | Should -Be @(-1, -1, -1, -1)
        ($layers | Where-Object Name -eq 'transformer.wte').ParameterCount | Should -Be (50257 * 64)
    }
    It 'lists Llama modules and filters with wildcards' {
        (Get-LreLayer -Model $script:Llama -Name 'model.layers.*').Name | Should -Be @('model.layers.0', 'model.layers.1', 'model.layers.2', 'model.layers.3')
        (Get-LreLayer -Model $script:Llama -Name '*norm', 'lm_head').Name | Should -Be @('model.norm', 'lm_head')
    }
    It 'marks Gemma 2 sliding-window layers' {
        $m = Import-LreModel -Path (Get-FixturePath 'gemma2')
        try { ($m | Get-LreLayer | Where-Object Kind -eq 'Block').Attention | Should -Be @('sliding(4)', 'full', 'sliding(4)', 'full') } finally { $m.Dispose() }
    }
}

Describe 'ConvertTo-LreToken' {
    BeforeEach { if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason } }

    It 'gives positions, ids and character offsets; BOS at 0 with Start = End = 0' {
        $t = ConvertTo-LreToken -Model $script:Llama -Text 'The capital of France is'
        $t[0].Position | Should -Be 0
        $t[0].Id | Should -Be 543
        $t[0].Start | Should -Be 0; $t[0].End | Should -Be 0
        $t.Position | Should -Be (0..($t.Count - 1))
        foreach ($x in $t | Select-Object -Skip 1) { $x.Text.Substring($x.Start, $x.End - $x.Start) | Should -Be $x.Token }
    }
    It 'keeps the EOS text of GPT-2 whole as one special token' {
        $t = ConvertTo-LreToken -Model $script:Gpt2 -Text '<|endoftext|>The city'
        $t[0].Id | Should -Be 50256
        $t[0].Start | Should -Be 0; $t[0].End | Should -Be 13
    }
    It 'takes texts from the pipeline' {
        $t = 'a b', 'c' | ConvertTo-LreToken -Model $script:Gpt2
        ($t | Select-Object -ExpandProperty Text -Unique) | Should -Be @('a b', 'c')
    }
}

Describe 'Get-LreHiddenState' {
    BeforeEach { if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason } }

    It 'accepts layer names and indices alike' {
        $a = Get-LreHiddenState -Model $script:Gpt2 -Prompt 'The capital of France is' -Layer 'transformer.h.2'
        $b = Get-LreHiddenState -Model $script:Gpt2 -Prompt 'The capital of France is' -Layer 2
        $a.Layer | Should -Be 2
        $a.LayerName | Should -Be 'transformer.h.2'
        $a.Vector | Should -Be $b.Vector
        $a.Vector.Count | Should -Be 64
    }
    It 'reads the subject''s last token (last occurrence, BOS counted)' {
        $s = Get-LreHiddenState -Model $script:Llama -Prompt 'Paris and Paris is in France' -Layer 1 -Position SubjectLast -Subject 'Paris'
        $tokens = ConvertTo-LreToken -Model $script:Llama -Text 'Paris and Paris is in France'
        $expected = ($tokens | Where-Object { $_.Start -le 14 -and 14 -lt $_.End } | Select-Object -Last 1).Position
        $s.Position | Should -Be $expected
        $s.Position | Should -BeGreaterThan 2
    }
    It 'batches prompts of different lengths without changing the numbers' {
        $prompts = 'The capital of France is', 'Hello'
        $batched = Get-LreHiddenState -Model $script:Llama -Prompt $prompts -Layer 3
        foreach ($p in $prompts) {
            $single = Get-LreHiddenState -Model $script:Llama -Prompt $p -Layer 3
            Get-RelativeError ($batched | Where-Object Prompt -eq $p).Vector $single.Vector | Should -BeLessOrEqual 1e-5
        }
    }
    It 'reads a numbered position, negative from the end' {
        $all = Get-LreHiddenState -Model $script:Gpt2 -Prompt 'The capital of France is' -Layer 0 -Position All
        (Get-LreHiddenState -Model $script:Gpt2 -Prompt 'The capital of France is' -Layer 0 -Position 1).Vector | Should -Be $all[1].Vector
        (Get-LreHiddenState -Model $script:Gpt2 -Prompt 'The capital of France is' -Layer 0 -Position -1).Vector | Should -Be $all[-1].Vector
    }
}

Describe 'Get-LrePrediction and Invoke-LreGeneration' {
    BeforeEach { if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason } }

    It 'ranks tokens with probabilities that sum to at most 1' {
        $p = Get-LrePrediction -Model $script:Gpt2 -Prompt 'The capital of France is' -Top 10
        $p.Count | Should -Be 10
        ($p | ForEach-Object Rank) | Should -Be (1..10)   # not $p.Rank: that is System.Array.Rank
        ($p.Probability | Measure-Object -Sum).Sum | Should -BeLessOrEqual 1.0001
        $p[0].Logit | Should -BeGreaterOrEqual $p[1].Logit
    }
    It 'generation continues with the argmax tokens' {
        $g = Invoke-LreGeneration -Model $script:Gpt2 -Prompt 'The capital of France is' -MaxNewTokens 3
        $g.TokenIds.Count | Should -Be 3
        $g.TokenIds[0] | Should -Be (Get-LrePrediction -Model $script:Gpt2 -Prompt 'The capital of France is' -Top 1).TokenId
        $g.Prompt | Should -Be 'The capital of France is'
        $g.Text.Length | Should -BeGreaterThan 0
    }
}
