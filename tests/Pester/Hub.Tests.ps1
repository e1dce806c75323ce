# Import-LreModel by alias or hub id, against the fake hub (tests/FakeHub/FakeHubServer.cs, compiled here
# with Add-Type and run in-process on 127.0.0.1). Every test gets its own HF_HOME / HF_HUB_CACHE under
# $TestDrive and its own server, so the real ~/.cache/huggingface is never touched.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    if (-not ('LrePowerShell.Tests.FakeHub.FakeHubServer' -as [type])) {
        Add-Type -Path (Join-Path $PSScriptRoot '../FakeHub/FakeHubServer.cs')
    }
    $script:HfVariables = 'HF_HOME', 'HF_HUB_CACHE', 'HUGGINGFACE_HUB_CACHE', 'XDG_CACHE_HOME', 'HF_ENDPOINT', 'HF_TOKEN',
        'HUGGING_FACE_HUB_TOKEN', 'HF_TOKEN_PATH', 'HF_HUB_OFFLINE', 'HF_HUB_ETAG_TIMEOUT', 'HF_HUB_DOWNLOAD_TIMEOUT'
    $script:SavedEnvironment = @{}
    foreach ($v in $script:HfVariables) { $script:SavedEnvironment[$v] = [Environment]::GetEnvironmentVariable($v) }
    $script:Token = 'hf_PesterFakeToken0123456789abcdef'
    if ($script:Shared) { $script:Good = Import-LreModel -Path (Get-FixturePath 'llama') }

    # A fresh cache and a fresh fake hub serving gpt2 (the gpt2 fixture), a gated Llama and a pickle-only repo.
    function New-HubEnvironment {
        foreach ($v in $script:HfVariables) { [Environment]::SetEnvironmentVariable($v, $null) }
        $env:HF_HOME = Join-Path $TestDrive ([guid]::NewGuid())
        $env:HF_HUB_CACHE = Join-Path $env:HF_HOME 'hub'
        $env:HF_HUB_ETAG_TIMEOUT = '5'
        $env:HF_HUB_DOWNLOAD_TIMEOUT = '5'
        $script:Server = [LrePowerShell.Tests.FakeHub.FakeHubServer]::new()
        $script:Server.Token = $script:Token
        $env:HF_ENDPOINT = $script:Server.Endpoint
        $script:Gpt2 = $script:Server.AddRepo('openai-community/gpt2')
        $script:Gpt2Commit = $script:Gpt2.AddFolder((Get-FixturePath 'gpt2'), 'main')
        $null = $script:Server.AddRepo('meta-llama/Llama-3.2-1B', $true).AddFolder((Get-FixturePath 'llama'), 'main')
        $pickle = [Collections.Generic.Dictionary[string, byte[]]]::new()
        $pickle['config.json'] = [IO.File]::ReadAllBytes((Join-Path (Get-FixturePath 'gpt2') 'config.json'))
        $pickle['vocab.json'] = [byte[]][char[]]'{}'
        $pickle['merges.txt'] = [byte[]][char[]]'#'
        $pickle['pytorch_model.bin'] = [byte[]][char[]]'pickle'
        $null = $script:Server.AddRepo('old/pickled').AddCommit($pickle, 'main')
    }
    function Get-RequestCount { $script:Server.Requests.Count }

    # The error of a failing command, after checking the session still works.
    function Get-HubFailure([scriptblock]$Body) {
        $err = Get-ErrorRecord $Body
        (Get-LrePrediction -Model $script:Good -Prompt 'The capital of France is' -Top 1).Rank | Should -Be 1
        $err.Exception.Message | Should -Not -BeNullOrEmpty
        $err
    }
}
AfterAll {
    foreach ($v in $script:HfVariables) { [Environment]::SetEnvironmentVariable($v, $script:SavedEnvironment[$v]) }
    if ($script:Good) { $script:Good.Dispose() }
}

Describe 'Import-LreModel from the Hugging Face hub' {
    BeforeEach {
        if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason; return }
        New-HubEnvironment
    }
    AfterEach { if ($script:Server) { $script:Server.Dispose(); $script:Server = $null } }

    It 'downloads an alias into the hub cache once, then loads it with no request' {
        $m = Import-LreModel gpt2
        try {
            $m.Name | Should -Be 'gpt2'
            $m.Architecture | Should -Be 'gpt2'
            $m.Path | Should -Be (Join-Path $env:HF_HUB_CACHE "models--openai-community--gpt2/snapshots/$script:Gpt2Commit")
            (Get-Item (Join-Path $m.Path 'model.safetensors')).LinkTarget | Should -BeLike '../../blobs/*'
            Get-Content (Join-Path $env:HF_HUB_CACHE 'models--openai-community--gpt2/refs/main') -Raw | Should -Be $script:Gpt2Commit
            (Get-LrePrediction -Model $m -Prompt 'Hello' -Top 1).Rank | Should -Be 1
        } finally { $m.Dispose() }

        $before = Get-RequestCount
        $again = Import-LreModel -Name gpt2
        try { $again.Path | Should -Be $m.Path } finally { $again.Dispose() }
        Get-RequestCount | Should -Be $before
    }

    It 'takes a hub id, keeps it as the model name, and keeps -DType working' {
        $m = Import-LreModel openai-community/gpt2 -DType bfloat16
        try {
            $m.Name | Should -Be 'openai-community/gpt2'
            $m.DType | Should -Be 'bfloat16'
        } finally { $m.Dispose() }
    }

    It '-Revision picks a tag or a commit' {
        $files = [Collections.Generic.Dictionary[string, byte[]]]::new()
        Get-ChildItem (Get-FixturePath 'gpt2') | ForEach-Object { $files[$_.Name] = [IO.File]::ReadAllBytes($_.FullName) }
        $files['generation_config.json'] = [byte[]][char[]]'{}'
        $v2 = $script:Gpt2.AddCommit($files, 'v2')
        $tag = Import-LreModel gpt2 -Revision v2
        $byCommit = Import-LreModel gpt2 -Revision $script:Gpt2Commit
        try {
            Split-Path $tag.Path -Leaf | Should -Be $v2
            Split-Path $byCommit.Path -Leaf | Should -Be $script:Gpt2Commit
        } finally { $tag.Dispose(); $byCommit.Dispose() }
        (Get-HubFailure { Import-LreModel gpt2 -Revision nope }).FullyQualifiedErrorId | Should -BeLike 'HubRevisionNotFound,*'
    }

    It '-Offline and HF_HUB_OFFLINE use the cache only' {
        $e = Get-HubFailure { Import-LreModel gpt2 -Offline }
        $e.FullyQualifiedErrorId | Should -BeLike 'HubOfflineNotCached,*'
        $e.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        Get-RequestCount | Should -Be 0

        (Import-LreModel gpt2).Dispose()
        $script:Server.Stop()
        (Import-LreModel gpt2 -Offline).Dispose()
        $env:HF_HUB_OFFLINE = '1'
        $m = Import-LreModel gpt2 -Refresh   # offline wins over -Refresh: there is no hub to ask
        try { $m.Architecture | Should -Be 'gpt2' } finally { $m.Dispose() }
    }

    It 'shows one progress activity per file with bytes and rate, each completed, then the load' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$script:ModulePath'; (Import-LreModel gpt2).Dispose()")
            $null = $ps.Invoke()
            $ps.HadErrors | Should -BeFalse
            $records = @($ps.Streams.Progress)
            $activities = $records | Where-Object Activity -like 'Downloading *' | Group-Object ActivityId
            $activities.Count | Should -Be (Get-ChildItem (Get-FixturePath 'gpt2')).Count
            foreach ($a in $activities) { @($a.Group | Where-Object RecordType -eq 'Completed').Count | Should -Be 1 }
            $records[-1].Activity | Should -Be 'Loading gpt2'
            $records[-1].RecordType | Should -Be 'Completed'
            $weights = $records | Where-Object { $_.Activity -eq 'Downloading model.safetensors (openai-community/gpt2)' -and $_.RecordType -ne 'Completed' }
            $weights[-1].StatusDescription | Should -Match '^13\.3 MB of 13\.3 MB at [\d.]+ [kMG]?B/s$'
            $weights[-1].PercentComplete | Should -Be 100
        } finally { $ps.Dispose() }
    }

    It '-Verbose says what is downloaded from where into which blob' {
        $verbose = Import-LreModel gpt2 -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message
        $verbose | Should -Contain "Asking $($script:Server.Endpoint)/ for 'openai-community/gpt2' at 'main'."
        $blobs = Join-Path $env:HF_HUB_CACHE 'models--openai-community--gpt2/blobs'
        ($verbose | Where-Object { $_ -like "Downloading 'model.safetensors' (*bytes) from $($script:Server.Endpoint)/lfs/* to $blobs/*" }) | Should -Not -BeNullOrEmpty
    }

    It 'a gated model without a token: HubAuthRequired tells how to pass one' {
        $e = Get-HubFailure { Import-LreModel llama-3.2-1b }
        $e.FullyQualifiedErrorId | Should -BeLike 'HubAuthRequired,*'
        $e.CategoryInfo.Category | Should -Be 'PermissionDenied'
        $e.Exception.Message | Should -BeLike '*HF_TOKEN*huggingface-cli login*'
        $e.Exception.Message | Should -BeLike '*access granted on the model page*'
    }

    It 'a gated model with a token from <Source>: loads, and the token shows up nowhere' -ForEach @(@{ Source = 'HF_TOKEN' }, @{ Source = 'the token file' }) {
        $tokenFile = Join-Path $env:HF_HOME 'token'
        if ($Source -eq 'HF_TOKEN') { $env:HF_TOKEN = $script:Token }
        else { New-Item -ItemType Directory -Force $env:HF_HOME | Out-Null; Set-Content $tokenFile $script:Token }

        $all = Import-LreModel llama-3.2-1b -Verbose *>&1
        $model = $all | Where-Object { $_ -is [LrePowerShell.LreModel] }
        try {
            $model.Name | Should -Be 'llama-3.2-1b'
            $script:Server.Requests | Where-Object Path -like '*/resolve/*' | ForEach-Object { $_.Authorized | Should -BeTrue }
            ($all | Out-String) | Should -Not -BeLike "*$script:Token*"
            ($model | Format-List * | Out-String) | Should -Not -BeLike "*$script:Token*"
        } finally { $model.Dispose() }

        $script:Server.Token = 'hf_another'   # the hub now refuses it: the error must not echo it either
        $env:HF_HUB_CACHE = Join-Path $env:HF_HOME 'second-cache'
        $e = Get-HubFailure { Import-LreModel meta-llama/Llama-3.2-1B -Verbose 4>$null }
        $e.FullyQualifiedErrorId | Should -BeLike 'HubAuthRequired,*'
        ($e | Out-String) | Should -Not -BeLike "*$script:Token*"
        $e.Exception.ToString() | Should -Not -BeLike "*$script:Token*"

        $needle = [Text.Encoding]::UTF8.GetBytes($script:Token)
        Get-ChildItem $env:HF_HOME -Recurse -File | Where-Object FullName -ne $tokenFile | ForEach-Object {
            [Text.Encoding]::Latin1.GetString([IO.File]::ReadAllBytes($_.FullName)).Contains($script:Token) | Should -BeFalse -Because $_.FullName
        }
    }

    It 'an unknown repository: HubRepoNotFound' {
        $e = Get-HubFailure { Import-LreModel nobody/nothing }
        $e.FullyQualifiedErrorId | Should -BeLike 'HubRepoNotFound,*'
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e.TargetObject | Should -Be 'nobody/nothing'
    }

    It 'a repository with only pytorch_model.bin: HubPickleOnly, nothing downloaded' {
        $e = Get-HubFailure { Import-LreModel old/pickled }
        $e.FullyQualifiedErrorId | Should -BeLike 'HubPickleOnly,*'
        $e.Exception.Message | Should -BeLike '*unpickling can run arbitrary code*'
        $script:Server.Requests | Where-Object Path -like '*/resolve/*' | Should -BeNullOrEmpty
    }

    It 'the server going away mid-download: HubDownloadFailed, no cache entry, the session goes on' {
        $script:Gpt2.GoAwayAfter('model.safetensors', 1000000)
        $e = Get-HubFailure { Import-LreModel gpt2 }
        $e.FullyQualifiedErrorId | Should -BeLike 'HubDownloadFailed,*'
        $repo = Join-Path $env:HF_HUB_CACHE 'models--openai-community--gpt2'
        Test-Path (Join-Path $repo "snapshots/$script:Gpt2Commit/model.safetensors") | Should -BeFalse
        Test-Path (Join-Path $repo 'refs/main') | Should -BeFalse
        Get-ChildItem (Join-Path $repo 'blobs') | Where-Object Length -eq 1000000 | ForEach-Object Name | Should -BeLike '*.incomplete'
    }

    It 'a corrupted download: HubChecksumMismatch' {
        $script:Gpt2.Corrupt('model.safetensors')
        (Get-HubFailure { Import-LreModel gpt2 }).FullyQualifiedErrorId | Should -BeLike 'HubChecksumMismatch,*'
        Get-ChildItem (Join-Path $env:HF_HUB_CACHE 'models--openai-community--gpt2/blobs') -Filter '*.incomplete' | Should -BeNullOrEmpty
    }

    It 'a cache written by Python under HF_HOME loads with nothing listening on HF_ENDPOINT; HF_HUB_CACHE takes precedence' {
        $script:Server.Stop()
        Remove-Item Env:HF_HUB_CACHE
        $commit = '607a30d783dfa663caf39e06633721c8d4cfcd7e'
        $repo = Join-Path $env:HF_HOME 'hub/models--openai-community--gpt2'
        New-Item -ItemType Directory (Join-Path $repo 'blobs'), (Join-Path $repo "snapshots/$commit"), (Join-Path $repo 'refs') | Out-Null
        foreach ($f in Get-ChildItem (Get-FixturePath 'gpt2')) {
            $etag = (Get-FileHash $f.FullName -Algorithm SHA256).Hash.ToLowerInvariant()
            Copy-Item $f.FullName (Join-Path $repo "blobs/$etag")
            New-Item -ItemType SymbolicLink -Path (Join-Path $repo "snapshots/$commit/$($f.Name)") -Target "../../blobs/$etag" | Out-Null
        }
        Set-Content (Join-Path $repo 'refs/main') $commit -NoNewline

        $m = Import-LreModel gpt2
        try { $m.Path | Should -Be (Join-Path $repo "snapshots/$commit") } finally { $m.Dispose() }

        $env:HF_HUB_CACHE = Join-Path $TestDrive ([guid]::NewGuid())
        (Get-HubFailure { Import-LreModel gpt2 }).FullyQualifiedErrorId | Should -BeLike 'HubUnreachable,*'
    }
}

Describe 'Import-LreModel names and parameter sets' {
    BeforeEach { if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason } }

    It '-Name that is an existing folder loads the folder' {
        $m = Import-LreModel (Get-FixturePath 'llama')
        try { $m.Name | Should -Be 'llama' } finally { $m.Dispose() }
    }
    It '-Path still binds from the pipeline (Get-Item | Import-LreModel)' {
        $m = Get-Item (Get-FixturePath 'qwen2') | Import-LreModel
        try { $m.Name | Should -Be 'qwen2' } finally { $m.Dispose() }
    }
    It 'a name that is neither alias, hub id nor folder: HubNameInvalid' {
        $e = Get-ErrorRecord { Import-LreModel 'a/b/c' }
        $e.FullyQualifiedErrorId | Should -BeLike 'HubNameInvalid,*'
        $e.Exception.Message | Should -BeLike '*gpt2-xl*'
    }
    It 'a revision that would leave the cache: HubRevisionInvalid' {
        (Get-ErrorRecord { Import-LreModel gpt2 -Revision '../../x' -Offline }).FullyQualifiedErrorId | Should -BeLike 'HubRevisionInvalid,*'
    }
    It '-Revision and -Offline belong to the Name set only' {
        { Import-LreModel -Path (Get-FixturePath 'llama') -Offline } | Should -Throw -ErrorId 'AmbiguousParameterSet,*'
    }
    It 'tab completion offers the aliases' {
        $c = TabExpansion2 -inputScript 'Import-LreModel gpt2-' -cursorColumn 'Import-LreModel gpt2-'.Length
        $c.CompletionMatches.CompletionText | Should -Be @('gpt2-large', 'gpt2-medium', 'gpt2-xl')
        ($c.CompletionMatches | Where-Object CompletionText -eq 'gpt2-xl').ToolTip | Should -Be 'openai-community/gpt2-xl'
    }
}
