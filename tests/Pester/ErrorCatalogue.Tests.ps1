# The error catalogue: the README's table lists every error id the code can raise, and a test
# exercises each one (two native-library ids cannot be provoked from a working build).
BeforeDiscovery {
    $root = Join-Path $PSScriptRoot '../..'
    $sources = Get-ChildItem (Join-Path $root 'src') -Recurse -Filter *.cs | Where-Object FullName -notmatch '[\\/](obj|bin)[\\/]' | Get-Content -Raw
    $ids = [Collections.Generic.SortedSet[string]]::new()
    foreach ($text in $sources) {
        foreach ($m in [regex]::Matches($text, '"([A-Z][A-Za-z]+)",\s*LreErrorKind')) { $null = $ids.Add($m.Groups[1].Value) }
        foreach ($m in [regex]::Matches($text, 'const string \w+Id = "([A-Z][A-Za-z]+)"')) { $null = $ids.Add($m.Groups[1].Value) }
        foreach ($m in [regex]::Matches($text, 'ErrorRecord\([^;]*?"([A-Z][A-Za-z]+)",\s*ErrorCategory')) { $null = $ids.Add($m.Groups[1].Value) }
    }
    $script:Ids = @($ids | ForEach-Object { @{ Id = $_ } })
}
BeforeAll {
    $root = Join-Path $PSScriptRoot '../..'
    $script:Readme = Get-Content (Join-Path $root 'README.md') -Raw
    $script:Tests = (Get-ChildItem (Join-Path $root 'tests') -Recurse -Include *.cs, *.ps1 | Where-Object FullName -notmatch '[\\/](obj|bin)[\\/]' |
        Where-Object Name -ne 'ErrorCatalogue.Tests.ps1' | Get-Content -Raw) -join "`n"
    $script:Untestable = 'LibTorchNotFound', 'LibTorchLoadFailed'
}

Describe 'Error catalogue' {
    It 'finds the ids in the source' -ForEach @{ Count = $script:Ids.Count } { $Count | Should -BeGreaterThan 50 }

    It '<Id> is documented in the README and exercised by a test' -ForEach $script:Ids {
        $script:Readme | Should -Match "\| ``$Id`` \|"
        if ($Id -notin $script:Untestable) { $script:Tests | Should -Match "\b$Id\b" }
    }
}
