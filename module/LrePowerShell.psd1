@{
    RootModule           = 'LrePowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '3d0c2b8e-5a57-4f43-9a0b-6f3f2d6c1e41'
    Author               = 'LrePowerShell developers'
    Description          = 'Linear Relational Embedding (LRE) research on transformer language models: load Hugging Face causal LMs into TorchSharp, read their residual stream, estimate, test and chart LRE operators.'
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('LrePowerShell.format.ps1xml')
    CmdletsToExport      = @(
        'Import-LreModel', 'Get-LreLayer', 'ConvertTo-LreToken',
        'Get-LreHiddenState', 'Get-LrePrediction', 'Invoke-LreGeneration',
        'Import-LreRelation', 'New-LreOperator', 'Test-LreFaithfulness', 'Test-LreCausality',
        'Export-LreOperator', 'Import-LreOperator', 'Export-LreChart'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{ PSData = @{ Tags = @('LRE', 'interpretability', 'TorchSharp', 'transformers') } }
}
