# Ctrl+C: a running pipeline, stopped from here as the console's Ctrl+C stops it, ends within a second
# on stories260k, and the loaded model answers exactly as before.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    if ($script:Shared) {
        $script:M = Import-LreModel -Path (Join-Path $script:Shared 'models/stories260k/hf')
        $script:Rel = Get-PronounRelation
        $script:Op = $script:M | New-LreOperator -Relation $script:Rel -Layer 2 -TrainCount 8 -FewShot 0
        $script:Prediction = Get-LrePrediction -Model $script:M -Prompt 'Lily was sad because' -Top 3
    }

    # Starts $Script in a runspace of its own, waits until it has written $Records progress records
    # (it is inside its work), stops it, and returns how long the stop took.
    function Stop-WhenBusy([string]$Script, [int]$Records) {
        $ps = New-ModuleRunspace @{ m = $script:M; r = $script:Rel; op = $script:Op }
        try {
            $null = $ps.AddScript($Script)
            $running = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddMinutes(2)
            while ($ps.Streams.Progress.Count -lt $Records) {
                if ($running.IsCompleted) { throw "'$Script' ended before it could be stopped" }
                if ([DateTime]::UtcNow -gt $deadline) { throw "'$Script' reported no progress" }
                Start-Sleep -Milliseconds 10
            }
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $clock.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $ps.Streams.Error | Should -BeNullOrEmpty -Because 'a stop is not an error'
            $clock.Elapsed
        } finally { $ps.Dispose() }
    }

    function Assert-ModelUnchanged {
        $p = Get-LrePrediction -Model $script:M -Prompt 'Lily was sad because' -Top 3
        $p.TokenId | Should -Be $script:Prediction.TokenId
        $p.Logit | Should -Be $script:Prediction.Logit
    }
}
AfterAll { if ($script:M) { $script:M.Dispose() } }

Describe 'Stopping a running pipeline' {
    BeforeEach { if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason } }

    It '<Case> stops within a second and leaves the model as it was' -ForEach @(
        @{ Case = 'New-LreOperator between training samples and layers'; Records = 8
           Script = '$m | New-LreOperator -Relation $r -Layer (0..4) -TrainCount 40 -FewShot 0 | Test-LreFaithfulness' },
        @{ Case = 'Test-LreFaithfulness between prompt batches'; Records = 8
           Script = '$op | Test-LreFaithfulness -Beta (1..200)' },
        @{ Case = 'Test-LreCausality between prompt batches'; Records = 8
           Script = '$op | Test-LreCausality -Rank (1..64)' },
        @{ Case = 'Get-LreHiddenState between prompt batches'; Records = 4
           Script = 'Get-LreHiddenState -Model $m -Prompt (1..5000 | ForEach-Object { "Lily was sad because $_" }) -Layer (0..4)' },
        @{ Case = 'Invoke-LreGeneration between tokens'; Records = 20
           Script = 'Invoke-LreGeneration -Model $m -Prompt "Once upon a time" -MaxNewTokens 100000 -IgnoreEos' }) {
        (Stop-WhenBusy $Script $Records).TotalSeconds | Should -BeLessThan 1
        Assert-ModelUnchanged
    }

    It 'an operator estimated after stops is the one estimated before' {
        $before = ($script:M | New-LreOperator -Relation $script:Rel -Layer 1 -TrainCount 6).GetSingularValues()
        foreach ($i in 1..3) { $null = Stop-WhenBusy '$m | New-LreOperator -Relation $r -Layer (0..4) -TrainCount 6' 3 }
        ($script:M | New-LreOperator -Relation $script:Rel -Layer 1 -TrainCount 6).GetSingularValues() | Should -Be $before
    }

    It 'a stopped sweep into Export-LreChart writes no chart' {
        $elapsed = Stop-WhenBusy "`$m | New-LreOperator -Relation `$r -Layer (0..4) -TrainCount 40 -FewShot 0 | Export-LreChart '$TestDrive/s.png'" 6
        $elapsed.TotalSeconds | Should -BeLessThan 1
        "$TestDrive/s.png" | Should -Not -Exist
    }
}
