# The embedded demonstration model: the committed folder loads and knows data/'s relations.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Data = Join-Path $PSScriptRoot '../../data'
    $script:ModelFolder = Join-Path $script:Data 'models/lre-tiny'
    $script:Model = Import-LreModel -Path $script:ModelFolder

    # A relation file of either format: the seed's flat list (its template is the seed's) or the paper's.
    function Read-RelationFile([string]$Path) {
        $json = Get-Content $Path -Raw | ConvertFrom-Json -NoEnumerate
        if ($json -is [array]) { return @{ Template = '{} students are typically'; Samples = $json } }
        @{ Template = $json.prompt_templates[0]; Samples = $json.samples }
    }
}

AfterAll { if ($script:Model) { $script:Model.Dispose() } }

Describe 'The embedded model data/models/lre-tiny' {
    It 'is a GPT-2 model within the 8 MB budget, stored in float16' {
        $script:Model.Architecture | Should -Be 'gpt2'
        (Get-Item (Join-Path $script:ModelFolder 'model.safetensors')).Length | Should -BeLessOrEqual 8e6
        (Get-Content (Join-Path $script:ModelFolder 'config.json') -Raw | ConvertFrom-Json).torch_dtype | Should -Be 'float16'
    }

    It 'tokenizes like GPT-2: no BOS, and the end-of-text string is one special token, the last id' {
        $tokens = ConvertTo-LreToken -Model $script:Model -Text '<|endoftext|>The capital of France is'
        $tokens[0].Token | Should -Be '<|endoftext|>'
        $tokens[0].Id | Should -Be ($script:Model.VocabSize - 1)
        (ConvertTo-LreToken -Model $script:Model -Text 'The')[0].Token | Should -Be 'The'
    }

    # The acceptance bar: the model's own greedy next token after template.format(subject), zero-shot, is the
    # object's first token (stripped, lower-cased, a prefix of the object) for at least 95% of the pairs.
    It 'answers <File> zero-shot for at least 95% of its pairs' -ForEach @(
        @{ File = 'data_sample.json' }
        @{ File = 'relations/country_capital.json' }
        @{ File = 'relations/country_language.json' }
        @{ File = 'relations/adjective_antonym.json' }
        @{ File = 'relations/adjective_comparative.json' }
        @{ File = 'relations/occupation_gender.json' }
    ) {
        $relation = Read-RelationFile (Join-Path $script:Data $File)
        $prompts = $relation.Samples | ForEach-Object { $relation.Template.Replace('{}', $_.subject) }
        $top = Get-LrePrediction -Model $script:Model -Prompt $prompts -Top 1
        $wrong = for ($i = 0; $i -lt $prompts.Count; $i++) {
            $token = $top[$i].Token.Trim().ToLowerInvariant()
            if (-not $token -or -not $relation.Samples[$i].object.ToLowerInvariant().StartsWith($token)) {
                "$($prompts[$i]) -> '$($top[$i].Token)' (expected $($relation.Samples[$i].object))"
            }
        }
        $correct = $prompts.Count - @($wrong).Count
        $correct / $prompts.Count | Should -BeGreaterOrEqual 0.95 -Because ($wrong -join '; ')
    }
}
