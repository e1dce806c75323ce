# Faults and concurrency: a full or unwritable destination, two processes on one hub model,
# parallel pipelines over one model.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    if ($script:Shared) {
        $script:M = Import-LreModel -Path (Join-Path $script:Shared 'models/stories260k/hf')
        $script:Rel = Import-LreRelation (Join-Path $script:Shared 'models/stories260k/relations.json') | Where-Object Name -eq 'name_to_subject_pronoun'
    }
}
AfterAll { if ($script:M) { $script:M.Dispose() } }

Describe 'Faults while writing' {
    BeforeEach { if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason } }

    It 'an export into a folder that cannot be written fails clearly and leaves no file' {
        $op = $script:M | New-LreOperator -Relation $script:Rel -Layer 1 -TrainCount 2 -FewShot 0
        $target = Join-Path $TestDrive 'missing-folder/op.safetensors'
        $e = Get-ErrorRecord { $op | Export-LreOperator -Path $target }
        $e.FullyQualifiedErrorId | Should -BeLike 'OperatorWriteFailed,*'
        Test-Path (Split-Path $target) | Should -BeFalse
        (Get-LrePrediction -Model $script:M -Prompt 'Lily was sad because' -Top 1).Rank | Should -Be 1
    }
    It 'an export onto a full disk (/dev/full) fails clearly and leaves no partial file' -Skip:(-not (Test-Path /dev/full)) {
        $op = $script:M | New-LreOperator -Relation $script:Rel -Layer 1 -TrainCount 2 -FewShot 0
        $dir = Join-Path $TestDrive 'full'; New-Item -ItemType Directory $dir | Out-Null
        # the temporary file the exporter writes first is a link to /dev/full: every write fails with ENOSPC
        $target = Join-Path $dir 'op.safetensors'
        New-Item -ItemType SymbolicLink -Path "$target.partial-$PID" -Target /dev/full | Out-Null
        (Get-ErrorRecord { $op | Export-LreOperator -Path $target }).FullyQualifiedErrorId | Should -BeLike 'OperatorWriteFailed,*'
        Test-Path $target | Should -BeFalse
        Get-ChildItem $dir | Should -BeNullOrEmpty
    }
}

Describe 'Concurrency' {
    BeforeEach { if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason } }

    It 'ForEach-Object -Parallel over prompts with one shared model gives the sequential answers' {
        $prompts = 'Lily', 'Tom', 'Sue', 'Ben', 'Amy', 'Max', 'Kim', 'Sam' | ForEach-Object { "$_ was sad because" }
        $sequential = $prompts | ForEach-Object { (Get-LrePrediction -Model $script:M -Prompt $_ -Top 1).TokenId }
        $model = $script:M; $module = $script:ModulePath
        $parallel = $prompts | ForEach-Object -ThrottleLimit 4 -Parallel {
            Import-Module $using:module
            [pscustomobject]@{ Prompt = $_; Id = (Get-LrePrediction -Model $using:model -Prompt $_ -Top 1).TokenId }
        }
        ($prompts | ForEach-Object { $p = $_; ($parallel | Where-Object Prompt -eq $p).Id }) | Should -Be $sequential
    }
    It 'two pwsh processes importing one hub model at once both succeed with one download' {
        if (-not ('LrePowerShell.Tests.FakeHub.FakeHubServer' -as [type])) { Add-Type -Path (Join-Path $PSScriptRoot '../FakeHub/FakeHubServer.cs') }
        $server = [LrePowerShell.Tests.FakeHub.FakeHubServer]::new()
        try {
            $null = $server.AddRepo('openai-community/gpt2').AddFolder((Get-FixturePath 'gpt2'), 'main')
            $hfHome = Join-Path $TestDrive 'hf-two'
            $jobs = 1..2 | ForEach-Object {
                Start-Job -ArgumentList $script:ModulePath, $server.Endpoint, $hfHome -ScriptBlock {
                    param($module, $endpoint, $hfHome)
                    $env:HF_ENDPOINT = $endpoint; $env:HF_HOME = $hfHome; $env:HF_HUB_CACHE = Join-Path $hfHome 'hub'
                    Import-Module $module
                    $m = Import-LreModel gpt2
                    $m.Architecture
                    $m.Dispose()
                }
            }
            $results = $jobs | Wait-Job -Timeout 300 | Receive-Job
            $jobs | Remove-Job -Force
            $results | Should -Be @('gpt2', 'gpt2')
            # the weights are the repository's one LFS file, fetched from /lfs/<sha256> after a redirect
            $weights = @($server.Requests | Where-Object { $_.Method -eq 'GET' -and $_.Path -like '/lfs/*' })
            $weights.Count | Should -Be 1
        } finally { $server.Dispose() }
    }
}
