# The remaining entries of the error catalogue: each bad argument gives its stable id and leaves the session usable.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    if ($script:Shared) {
        $script:M = Import-LreModel -Path (Join-Path $script:Shared 'models/stories260k/hf')
        $script:Gpt2 = Import-LreModel -Path (Get-FixturePath 'gpt2')
        $script:Rel = Import-LreRelation (Join-Path $script:Shared 'models/stories260k/relations.json') | Where-Object Name -eq 'name_to_subject_pronoun'
    }
    function Get-Failure([scriptblock]$Body) {
        $e = Get-ErrorRecord $Body
        (Get-LrePrediction -Model $script:M -Prompt 'Lily was sad because' -Top 1).Rank | Should -Be 1
        $e
    }
}
AfterAll { if ($script:M) { $script:M.Dispose(); $script:Gpt2.Dispose() } }

Describe 'Argument errors' {
    BeforeEach { if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason } }

    It '<Id>: <Case>' -ForEach @(
        @{ Id = 'PositionInvalid'; Case = 'an unknown -Position'; Body = { Get-LreHiddenState -Model $script:M -Prompt 'Lily' -Layer 0 -Position Middle } },
        @{ Id = 'PositionOutOfRange'; Case = 'a position past the prompt'; Body = { Get-LreHiddenState -Model $script:M -Prompt 'Lily' -Layer 0 -Position 99 } },
        @{ Id = 'SubjectRequired'; Case = 'SubjectLast without -Subject'; Body = { Get-LreHiddenState -Model $script:M -Prompt 'Lily' -Layer 0 -Position SubjectLast } },
        @{ Id = 'SequenceTooLong'; Case = 'a prompt longer than GPT-2''s positions'; Body = { Get-LrePrediction -Model $script:Gpt2 -Prompt ('word ' * 200) } },
        @{ Id = 'RankOutOfRange'; Case = 'a rank above the hidden size'; Body = { $script:M | New-LreOperator -Relation $script:Rel -Layer 1 -Rank 1000 -TrainCount 2 } },
        @{ Id = 'TrainCountOutOfRange'; Case = 'more training pairs than samples'; Body = { $script:M | New-LreOperator -Relation $script:Rel -Layer 1 -TrainCount 1000 } },
        @{ Id = 'TrainFractionOutOfRange'; Case = 'a fraction outside (0, 1)'; Body = { $script:M | New-LreOperator -Relation $script:Rel -Layer 1 -TrainFraction 1.5 } },
        @{ Id = 'RelationAmbiguous'; Case = 'a bundle of relations as -Data'; Body = { $script:M | New-LreOperator -Data (Join-Path $script:Shared 'models/stories260k/relations.json') -Layer 1 } },
        @{ Id = 'NoTestSamples'; Case = 'every sample used for training'; Body = { $script:M | New-LreOperator -Relation $script:Rel -Layer 1 -TrainCount $script:Rel.SampleCount -FewShot 0 | Test-LreFaithfulness } }) {
        (Get-Failure $Body).FullyQualifiedErrorId | Should -BeLike "$Id,*"
    }
    It 'RelationSubjectEmpty: a relation with an empty subject' {
        $path = Join-Path $TestDrive 'empty-subject.json'
        Set-Content $path '[{"subject": "", "object": "she"}, {"subject": "Tom", "object": "he"}]'
        (Get-Failure { Import-LreRelation $path }).FullyQualifiedErrorId | Should -BeLike 'RelationSubjectEmpty,*'
    }
    It 'WeightDTypeUnsupported: an integer tensor where a weight belongs' {
        $d = Copy-Fixture 'llama' (Join-Path $TestDrive 'int-weights')
        Edit-SafetensorsHeader (Join-Path $d 'model.safetensors') { param($h) $h['model.norm.weight'].dtype = 'I32' }
        (Get-Failure { Import-LreModel -Path $d }).FullyQualifiedErrorId | Should -BeLike 'WeightDTypeUnsupported,*'
    }
    Context 'against the fake hub' {
        BeforeAll {
            if (-not ('LrePowerShell.Tests.FakeHub.FakeHubServer' -as [type])) { Add-Type -Path (Join-Path $PSScriptRoot '../FakeHub/FakeHubServer.cs') }
            $script:SavedHf = $env:HF_ENDPOINT, $env:HF_HOME, $env:HF_HUB_CACHE, $env:HF_HUB_OFFLINE
        }
        BeforeEach {
            $script:Hub = [LrePowerShell.Tests.FakeHub.FakeHubServer]::new()
            $env:HF_ENDPOINT = $script:Hub.Endpoint; $env:HF_HOME = Join-Path $TestDrive ([guid]::NewGuid()); $env:HF_HUB_CACHE = $null; $env:HF_HUB_OFFLINE = $null
        }
        AfterEach { if ($script:Hub) { $script:Hub.Dispose(); $script:Hub = $null } }
        AfterAll { $env:HF_ENDPOINT, $env:HF_HOME, $env:HF_HUB_CACHE, $env:HF_HUB_OFFLINE = $script:SavedHf }

        It 'HubCacheFailed: a hub cache folder that cannot be created' {
            $null = $script:Hub.AddRepo('openai-community/gpt2').AddFolder((Get-FixturePath 'gpt2'), 'main')
            $file = Join-Path $TestDrive 'a-file'; Set-Content $file 'not a folder'
            $env:HF_HUB_CACHE = Join-Path $file 'hub'
            (Get-Failure { Import-LreModel gpt2 }).FullyQualifiedErrorId | Should -BeLike 'HubCacheFailed,*'
        }
        It 'HubModelFilesMissing: a repository without tokenizer files' {
            $files = [Collections.Generic.Dictionary[string, byte[]]]::new()
            foreach ($f in 'config.json', 'model.safetensors') { $files[$f] = [IO.File]::ReadAllBytes((Join-Path (Get-FixturePath 'llama') $f)) }
            $null = $script:Hub.AddRepo('someone/no-tokenizer').AddCommit($files, 'main')
            (Get-Failure { Import-LreModel someone/no-tokenizer }).FullyQualifiedErrorId | Should -BeLike 'HubModelFilesMissing,*'
        }
    }
    It 'HubEndpointInvalid: an HF_ENDPOINT that is not an http(s) URL' {
        $saved = $env:HF_ENDPOINT, $env:HF_HOME
        try {
            $env:HF_ENDPOINT = 'not a url'; $env:HF_HOME = Join-Path $TestDrive 'hf'
            (Get-Failure { Import-LreModel gpt2 }).FullyQualifiedErrorId | Should -BeLike 'HubEndpointInvalid,*'
        } finally { $env:HF_ENDPOINT, $env:HF_HOME = $saved }
    }
}
