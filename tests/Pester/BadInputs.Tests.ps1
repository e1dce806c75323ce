# Each bad input is a terminating ErrorRecord with a stable id, and the session stays usable:
# a model loaded before the failure still answers afterwards.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    if ($script:Shared) {
        $script:Good = Import-LreModel -Path (Get-FixturePath 'llama')
        $script:NoBos = Import-LreModel -Path (Get-FixturePath 'qwen2')   # its tokenizer adds no BOS
    }

    # The error id of a failing command, after checking the session still works.
    function Get-FailureId([scriptblock]$Body) {
        $err = Get-ErrorRecord $Body
        if ($script:Good) { (Get-LrePrediction -Model $script:Good -Prompt 'The capital of France is' -Top 1).Rank | Should -Be 1 }
        $err.Exception.Message | Should -Not -BeNullOrEmpty
        $err
    }
    function New-BadFixture([string]$Name) { Copy-Fixture 'llama' (Join-Path $TestDrive $Name) }
    function Get-ModelFile([string]$Folder) { Join-Path $Folder 'model.safetensors' }
}
AfterAll { if ($script:Good) { $script:Good.Dispose(); $script:NoBos.Dispose() } }

Describe 'Import-LreModel bad inputs' {
    BeforeEach { if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason } }

    It 'a missing folder' {
        $e = Get-FailureId { Import-LreModel -Path (Join-Path $TestDrive 'nope') }
        $e.FullyQualifiedErrorId | Should -BeLike 'ModelFolderNotFound,*'
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
    It 'a folder without config.json' {
        $d = New-BadFixture 'noconfig'; Remove-Item (Join-Path $d 'config.json')
        (Get-FailureId { Import-LreModel -Path $d }).FullyQualifiedErrorId | Should -BeLike 'ConfigMissing,*'
    }
    It 'a config.json that is not JSON' {
        $d = New-BadFixture 'notjson'; Set-Content (Join-Path $d 'config.json') '{ "model_type": "llama", '
        (Get-FailureId { Import-LreModel -Path $d }).FullyQualifiedErrorId | Should -BeLike 'ConfigInvalid,*'
    }
    It 'a config.json that lacks a required field (the error names it)' {
        $d = New-BadFixture 'nofield'
        $c = Get-Content (Join-Path $d 'config.json') -Raw | ConvertFrom-Json -AsHashtable; $c.Remove('hidden_size')
        $c | ConvertTo-Json | Set-Content (Join-Path $d 'config.json')
        $e = Get-FailureId { Import-LreModel -Path $d }
        $e.FullyQualifiedErrorId | Should -BeLike 'ConfigInvalid,*'
        $e.Exception.Message | Should -BeLike '*hidden_size*'
    }
    It 'an unknown model_type (the error lists the supported ones)' {
        $d = New-BadFixture 'unknowntype'
        $c = Get-Content (Join-Path $d 'config.json') -Raw | ConvertFrom-Json -AsHashtable; $c.model_type = 'mamba'
        $c | ConvertTo-Json | Set-Content (Join-Path $d 'config.json')
        $e = Get-FailureId { Import-LreModel -Path $d }
        $e.FullyQualifiedErrorId | Should -BeLike 'ModelTypeUnsupported,*'
        $e.Exception.Message | Should -BeLike '*gemma3_text*'
    }
    It 'a truncated safetensors file' {
        $d = New-BadFixture 'truncated'; $f = Get-ModelFile $d
        $bytes = [IO.File]::ReadAllBytes($f); [IO.File]::WriteAllBytes($f, $bytes[0..($bytes.Length / 2)])
        (Get-FailureId { Import-LreModel -Path $d }).FullyQualifiedErrorId | Should -BeLike 'SafetensorsInvalid,*'
    }
    It 'a safetensors header that is not JSON' {
        $d = New-BadFixture 'headerjson'; $f = Get-ModelFile $d
        $bytes = [IO.File]::ReadAllBytes($f); $bytes[8] = [byte][char]'#'; [IO.File]::WriteAllBytes($f, $bytes)
        (Get-FailureId { Import-LreModel -Path $d }).FullyQualifiedErrorId | Should -BeLike 'SafetensorsInvalid,*'
    }
    It 'a header length that points outside the file' {
        $d = New-BadFixture 'headerlen'; $f = Get-ModelFile $d
        $bytes = [IO.File]::ReadAllBytes($f); [BitConverter]::GetBytes([uint64]1e12).CopyTo($bytes, 0); [IO.File]::WriteAllBytes($f, $bytes)
        (Get-FailureId { Import-LreModel -Path $d }).FullyQualifiedErrorId | Should -BeLike 'SafetensorsInvalid,*'
    }
    It 'data offsets that point outside the file' {
        $d = New-BadFixture 'offsets'
        Edit-SafetensorsHeader (Get-ModelFile $d) { param($h) $h['model.norm.weight'].data_offsets = @(10000000, 10000256) }
        $e = Get-FailureId { Import-LreModel -Path $d }
        $e.FullyQualifiedErrorId | Should -BeLike 'SafetensorsInvalid,*'
        $e.Exception.Message | Should -BeLike '*model.norm.weight*'
    }
    It 'a dtype x shape that disagrees with the byte range' {
        $d = New-BadFixture 'dtype'
        Edit-SafetensorsHeader (Get-ModelFile $d) { param($h) $h['model.norm.weight'].dtype = 'F16' }
        $e = Get-FailureId { Import-LreModel -Path $d }
        $e.FullyQualifiedErrorId | Should -BeLike 'SafetensorsInvalid,*'
        $e.Exception.Message | Should -BeLike '*model.norm.weight*'
    }
    It 'a tensor the config needs is missing (the error names it)' {
        $d = New-BadFixture 'missingtensor'
        Edit-SafetensorsHeader (Get-ModelFile $d) { param($h) $h.Remove('model.layers.2.mlp.up_proj.weight') }
        $e = Get-FailureId { Import-LreModel -Path $d }
        $e.FullyQualifiedErrorId | Should -BeLike 'WeightMissing,*'
        $e.Exception.Message | Should -BeLike '*model.layers.2.mlp.up_proj.weight*'
    }
    It 'a tensor shape that disagrees with the config' {
        $d = New-BadFixture 'shape'
        $c = Get-Content (Join-Path $d 'config.json') -Raw | ConvertFrom-Json -AsHashtable; $c.intermediate_size = 100
        $c | ConvertTo-Json -Depth 5 | Set-Content (Join-Path $d 'config.json')
        $e = Get-FailureId { Import-LreModel -Path $d }
        $e.FullyQualifiedErrorId | Should -BeLike 'WeightShapeMismatch,*'
        $e.Exception.Message | Should -BeLike '*mlp*'
    }
    It 'missing tokenizer files' {
        $d = New-BadFixture 'notok'; Remove-Item (Join-Path $d 'tokenizer*')
        (Get-FailureId { Import-LreModel -Path $d }).FullyQualifiedErrorId | Should -BeLike 'TokenizerFilesMissing,*'
    }
    It 'a PyTorch pickle checkpoint only (refused: unpickling can run code)' {
        $d = New-BadFixture 'pickle'; Remove-Item (Get-ModelFile $d); Set-Content (Join-Path $d 'pytorch_model.bin') 'x'
        $e = Get-FailureId { Import-LreModel -Path $d }
        $e.FullyQualifiedErrorId | Should -BeLike 'WeightsFileMissing,*'
        $e.Exception.Message | Should -BeLike '*pickle*'
    }
    It 'an unavailable device: <Device>' -ForEach @(@{ Device = 'cuda' }, @{ Device = 'cuda:1' }, @{ Device = 'mps' }) {
        $e = Get-FailureId { Import-LreModel -Path (Get-FixturePath 'llama') -Device $Device }
        $e.FullyQualifiedErrorId | Should -BeLike 'DeviceUnavailable,*'
        $e.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $e.Exception.Message | Should -BeLike "*$Device*"
    }
    It 'a device name that means nothing' {
        (Get-FailureId { Import-LreModel -Path (Get-FixturePath 'llama') -Device 'tpu' }).FullyQualifiedErrorId | Should -BeLike 'InvalidDevice,*'
    }
}

Describe 'Bad arguments to a loaded model' {
    BeforeEach { if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason } }

    It 'a layer index out of range' {
        $e = Get-FailureId { Get-LreHiddenState -Model $script:Good -Prompt 'Hello' -Layer 99 }
        $e.FullyQualifiedErrorId | Should -BeLike 'LayerOutOfRange,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
    It 'an unknown layer name' {
        (Get-FailureId { Get-LreHiddenState -Model $script:Good -Prompt 'Hello' -Layer 'transformer.h.1' }).FullyQualifiedErrorId | Should -BeLike 'LayerNotFound,*'
    }
    It 'a module that is not a block' {
        (Get-FailureId { Get-LreHiddenState -Model $script:Good -Prompt 'Hello' -Layer 'model.norm' }).FullyQualifiedErrorId | Should -BeLike 'LayerNotABlock,*'
    }
    It 'an empty prompt to a model without BOS: <Cmd>' -ForEach @(
        @{ Cmd = 'Get-LrePrediction'; Body = { Get-LrePrediction -Model $script:NoBos -Prompt '' } },
        @{ Cmd = 'Get-LreHiddenState'; Body = { Get-LreHiddenState -Model $script:NoBos -Prompt '' -Layer 0 } },
        @{ Cmd = 'Invoke-LreGeneration'; Body = { Invoke-LreGeneration -Model $script:NoBos -Prompt '' } },
        @{ Cmd = 'ConvertTo-LreToken'; Body = { ConvertTo-LreToken -Model $script:NoBos -Text '' } }) {
        (Get-FailureId $Body).FullyQualifiedErrorId | Should -BeLike 'EmptyPrompt,*'
    }
    It 'an empty prompt is BOS alone where the tokenizer adds one (as run.c)' {
        $t = ConvertTo-LreToken -Model $script:Good -Text ''
        $t.Id | Should -Be 543
        (Get-LrePrediction -Model $script:Good -Prompt '' -Top 1).Rank | Should -Be 1
    }
    It 'a subject that is not in the prompt' {
        (Get-FailureId { Get-LreHiddenState -Model $script:Good -Prompt 'The capital of France is' -Layer 1 -Position SubjectLast -Subject 'Spain' }).FullyQualifiedErrorId | Should -BeLike 'SubjectNotFound,*'
    }
    It 'a disposed model' {
        $m = Import-LreModel -Path (Get-FixturePath 'qwen2'); $m.Dispose()
        (Get-FailureId { Get-LrePrediction -Model $m -Prompt 'Hello' }).FullyQualifiedErrorId | Should -BeLike 'ModelDisposed,*'
    }
}
