# Export-LreChart: the files it writes are images of the requested size, drawn from what is piped in.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    if ($script:Shared) {
        $script:M = Import-LreModel -Path (Join-Path $script:Shared 'models/stories260k/hf')
        $script:Rel = Get-PronounRelation
        $script:Ops = $script:M | New-LreOperator -Relation $script:Rel -Layer 1, 2, 4 -TrainCount 8 -FewShot 0
        $script:F = $script:Ops | Test-LreFaithfulness -Beta 1, 2
    }

    # Width and height of a PNG file, after checking its signature and that IHDR comes first.
    function Get-PngSize([string]$Path) {
        $bytes = [IO.File]::ReadAllBytes($Path)
        $bytes[0..7] | Should -Be @(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A) -Because 'a PNG starts with its signature'
        [Text.Encoding]::ASCII.GetString($bytes, 12, 4) | Should -Be 'IHDR'
        $big = { param($at) [int](([uint32]$bytes[$at] -shl 24) -bor ([uint32]$bytes[$at + 1] -shl 16) -bor ([uint32]$bytes[$at + 2] -shl 8) -bor $bytes[$at + 3]) }
        [pscustomobject]@{ Width = & $big 16; Height = & $big 20 }
    }

    # The root element of an SVG file, after checking that it is one.
    function Get-Svg([string]$Path) {
        $svg = ([xml](Get-Content $Path -Raw)).DocumentElement
        $svg.LocalName | Should -Be 'svg'
        $svg.NamespaceURI | Should -Be 'http://www.w3.org/2000/svg'
        $svg
    }
    function Get-SvgText($Svg) { @($Svg.GetElementsByTagName('text') | ForEach-Object { $_.InnerText.Trim() }) }
}
AfterAll { if ($script:M) { $script:M.Dispose() } }

Describe 'Export-LreChart' {
    BeforeEach { if (-not $script:Shared) { Set-ItResult -Skipped -Because $script:NoSharedReason } }

    It 'faithfulness against layer as a PNG of the requested size' {
        $path = Join-Path $TestDrive 'faithfulness.png'
        $file = $script:F | Export-LreChart $path -Width 640 -Height 360
        $file | Should -BeOfType [IO.FileInfo]
        $file.FullName | Should -Be $path
        $size = Get-PngSize $path
        $size.Width | Should -Be 640
        $size.Height | Should -Be 360
    }
    It 'one line per beta, and an accuracy line each with -Accuracy, as SVG' {
        $path = Join-Path $TestDrive 'faithfulness.svg'
        $null = $script:F | Export-LreChart $path -Accuracy -Width 900 -Height 500
        $svg = Get-Svg $path
        $svg.width | Should -Be '900'
        $svg.height | Should -Be '500'
        $text = Get-SvgText $svg
        $text | Should -Contain 'Faithfulness and accuracy of name_to_subject_pronoun on hf'
        $text | Should -Contain 'Jacobian β=1: faithfulness'
        $text | Should -Contain 'Jacobian β=2: accuracy'
        $text | Should -Contain 'layer'
        $text | Should -Contain '100 %'
    }
    It 'the singular-value spectra of operators; a zero W is left out with a warning' {
        $path = Join-Path $TestDrive 'spectrum.svg'
        $null = $script:Ops | Export-LreChart $path -Title 'W spectra' -WarningVariable warnings -WarningAction SilentlyContinue
        $text = Get-SvgText (Get-Svg $path)
        $text | Should -Contain 'W spectra'
        $text | Should -Contain 'layer 1 Jacobian'
        $text | Should -Contain 'layer 2 Jacobian'
        $text | Should -Not -Contain 'layer 4 Jacobian'
        "$warnings" | Should -BeLike 'layer 4 Jacobian: W is zero*'
    }
    It 'rows read back from a CSV file draw like the results' {
        $csv = Join-Path $TestDrive 'sweep.csv'
        $script:F | Export-Csv $csv
        $null = Import-Csv $csv | Export-LreChart (Join-Path $TestDrive 'csv.png') -Accuracy
        (Get-PngSize (Join-Path $TestDrive 'csv.png')).Width | Should -Be 800
    }
    It 'labels lines by relation and model where several are drawn' {
        $other = $script:F | Select-Object -First 2 | ForEach-Object { $_ | Select-Object * } | ForEach-Object { $_.Relation = 'other'; $_ }
        $path = Join-Path $TestDrive 'two.svg'
        $null = @($script:F | Where-Object Beta -eq 1) + $other | Export-LreChart $path
        $text = Get-SvgText (Get-Svg $path)
        $text | Should -Contain 'name_to_subject_pronoun Jacobian β=1'
        $text | Should -Contain 'other Jacobian β=1'
        $text | Should -Contain 'Faithfulness on hf'
    }
    It '-WhatIf writes nothing' {
        $path = Join-Path $TestDrive 'whatif.png'
        $script:F | Export-LreChart $path -WhatIf | Should -BeNullOrEmpty
        $path | Should -Not -Exist
    }
    It 'takes -WhatIf and -Confirm' {
        (Get-Command Export-LreChart).Parameters.Keys | Should -Contain 'Confirm'
    }
    It 'keeps an existing file unless -Force is given' {
        $path = Join-Path $TestDrive 'exists.png'
        Set-Content $path 'keep me'
        (Get-ErrorRecord { $script:F | Export-LreChart $path }).FullyQualifiedErrorId | Should -BeLike 'ChartFileExists,*'
        Get-Content $path | Should -Be 'keep me'
        $null = $script:F | Export-LreChart $path -Force
        (Get-PngSize $path).Height | Should -Be 500
    }
    It 'a bad path fails before anything upstream runs: <Case>' -ForEach @(
        @{ Case = 'unknown extension'; Name = 'chart.jpg'; Id = 'ChartFormatUnsupported' },
        @{ Case = 'missing folder'; Name = 'no/such/folder/chart.png'; Id = 'ChartFolderNotFound' }) {
        $script:Upstream = $false
        $e = Get-ErrorRecord { $script:F | ForEach-Object { $script:Upstream = $true; $_ } | Export-LreChart (Join-Path $TestDrive $Name) }
        $e.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $script:Upstream | Should -BeFalse
    }
    It 'input it cannot draw: <Case>' -ForEach @(
        @{ Case = 'nothing'; Body = { @() | Export-LreChart (Join-Path $TestDrive 'x.png') } },
        @{ Case = 'results and operators mixed'; Body = { @($script:F[0], $script:Ops[0]) | Export-LreChart (Join-Path $TestDrive 'x.png') } },
        @{ Case = 'per-sample rows'; Body = { $script:Ops[0] | Test-LreFaithfulness -PerSample 6>$null | Export-LreChart (Join-Path $TestDrive 'x.png') } },
        @{ Case = 'two results for one layer of a line'; Body = { @($script:F[0], $script:F[0]) | Export-LreChart (Join-Path $TestDrive 'x.png') } },
        @{ Case = 'a faithfulness that is not a number'; Body = { [pscustomobject]@{ Layer = 1; Faithfulness = 'high' } | Export-LreChart (Join-Path $TestDrive 'x.png') } },
        @{ Case = 'only operators whose W is zero'; Body = { $script:Ops[2] | Export-LreChart (Join-Path $TestDrive 'x.png') -WarningAction SilentlyContinue } }) {
        $e = Get-ErrorRecord $Body
        $e.FullyQualifiedErrorId | Should -BeLike 'ChartInputInvalid,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Join-Path $TestDrive 'x.png' | Should -Not -Exist
    }
    It 'refuses a size under 100 pixels' {
        { $script:F | Export-LreChart (Join-Path $TestDrive 'tiny.png') -Width 99 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }
}
