#Requires -Version 5.1
<#
.SYNOPSIS
    brokersec fleet collector: exports this PC's security settings and posts them to brokersec.

.DESCRIPTION
    Run on each Windows PC by a group policy startup script, a scheduled task or Intune (as
    SYSTEM or an administrator). It writes the files docs/windows-export.md describes into
    -OutDir, zips them and posts the zip to POST /api/v1/scans of the brokersec server with an
    API token whose only scope is scans.upload. brokersec runs its Windows checks on the
    upload and saves the result as the PC's scan (as `brokersec scan --windows-export DIR
    --save` would).

    Files written (each stands alone: one that cannot be made is left out and only its checks
    are not applicable or an error on the server):
      secpol.inf          secedit /export /cfg (password and lockout policy)
      auditpol.csv        auditpol /get /category:* /r
      net-accounts.txt    net accounts
      defender.json       Get-MpComputerStatus (antivirus, real-time protection, signature age)
      mppreference.json   Get-MpPreference (controlled folder access)
      bitlocker.json      Get-BitLockerVolume
      firewall.json       Get-NetFirewallProfile
      hotfix.json         Get-HotFix
      os.json             Get-CimInstance Win32_OperatingSystem and the CurrentVersion registry key
                          (the product: brokersec vuln inventory --windows-export)
      office-macros.json  the Office macro policies (registry, every signed-in user)
      collect-log.txt     what could not be collected, and why

    brokersec cannot run this script in its own tests (no Windows there): the server's side
    is tested with real exports (tests/cli/t0617-scan-upload.sh). Check the file's SHA-256
    against docs/windows-export.md before you sign it with Set-AuthenticodeSignature.

.EXAMPLE
    powershell.exe -NoProfile -ExecutionPolicy AllSigned -File brokersec-collect.ps1 `
        -Server https://brokersec.example.com.tw:8443 -System SYS-OFFICE
#>
[CmdletBinding()]
param(
    # The brokersec server, https://host:port (no path).
    [Parameter(Mandatory = $true)][string]$Server,
    # The system (系統清冊) this PC belongs to.
    [Parameter(Mandatory = $true)][string]$System,
    # The device id in the device register; the computer name by default.
    [string]$Device = $env:COMPUTERNAME,
    # A file holding the API token (scope scans.upload only), readable by SYSTEM and
    # Administrators only.
    [string]$TokenFile = (Join-Path $env:ProgramData 'brokersec\token.txt'),
    # Where the files are written (emptied first).
    [string]$OutDir = (Join-Path $env:ProgramData 'brokersec\export'),
    # Only write the files and the zip; do not post.
    [switch]$NoUpload
)

Set-StrictMode -Version 3
$ErrorActionPreference = 'Stop'

$log = New-Object System.Collections.Generic.List[string]
function Note([string]$what) {
    $log.Add(('{0:yyyy-MM-ddTHH:mm:ssK} {1}' -f (Get-Date), $what))
    Write-Verbose $what
}

# Runs one export; a failure is noted and the others go on.
function Step([string]$name, [scriptblock]$block) {
    try {
        & $block
        Note "ok: $name"
    } catch {
        Note "FAILED: ${name}: $($_.Exception.Message)"
    }
}

function Save-Json($value, [string]$file) {
    # Windows PowerShell 5.1 writes enums and booleans as numbers; brokersec reads both forms.
    ConvertTo-Json -InputObject $value -Depth 4 | Out-File -FilePath (Join-Path $OutDir $file) -Encoding utf8
}

if (Test-Path -LiteralPath $OutDir) {
    Get-ChildItem -LiteralPath $OutDir -File | Remove-Item -Force
} else {
    New-Item -ItemType Directory -Path $OutDir -Force | Out-Null
}

Step 'secedit /export' {
    $inf = Join-Path $OutDir 'secpol.inf'
    & secedit.exe /export /cfg $inf /areas SECURITYPOLICY /quiet | Out-Null
    if ($LASTEXITCODE -ne 0 -or -not (Test-Path -LiteralPath $inf)) { throw "secedit exit code $LASTEXITCODE" }
}
Step 'auditpol /get' {
    $out = & auditpol.exe /get '/category:*' /r
    if ($LASTEXITCODE -ne 0) { throw "auditpol exit code $LASTEXITCODE (run as an administrator)" }
    $out | Out-File -FilePath (Join-Path $OutDir 'auditpol.csv') -Encoding unicode
}
Step 'net accounts' {
    $out = & net.exe accounts
    if ($LASTEXITCODE -ne 0) { throw "net accounts exit code $LASTEXITCODE" }
    $out | Out-File -FilePath (Join-Path $OutDir 'net-accounts.txt') -Encoding unicode
}
Step 'Get-MpComputerStatus' {
    $s = Get-MpComputerStatus
    Save-Json ([pscustomobject]@{
            AMServiceEnabled              = $s.AMServiceEnabled
            AntispywareEnabled            = $s.AntispywareEnabled
            AntivirusEnabled              = $s.AntivirusEnabled
            RealTimeProtectionEnabled     = $s.RealTimeProtectionEnabled
            AntivirusSignatureAge         = $s.AntivirusSignatureAge
            AntivirusSignatureLastUpdated = $(if ($s.AntivirusSignatureLastUpdated) { $s.AntivirusSignatureLastUpdated.ToString('yyyy-MM-dd HH:mm:ss') })
            AntivirusSignatureVersion     = $s.AntivirusSignatureVersion
            AMRunningMode                 = $s.AMRunningMode
            IsTamperProtected             = $s.IsTamperProtected
        }) 'defender.json'
}
Step 'Get-MpPreference' {
    $p = Get-MpPreference
    Save-Json ([pscustomobject]@{
            EnableControlledFolderAccess           = [int]$p.EnableControlledFolderAccess
            ControlledFolderAccessProtectedFolders = $p.ControlledFolderAccessProtectedFolders
            DisableRealtimeMonitoring              = $p.DisableRealtimeMonitoring
        }) 'mppreference.json'
}
Step 'Get-BitLockerVolume' {
    $v = @(Get-BitLockerVolume | ForEach-Object {
            [pscustomobject]@{
                MountPoint           = $_.MountPoint
                VolumeType           = [int]$_.VolumeType
                VolumeStatus         = [int]$_.VolumeStatus
                ProtectionStatus     = [int]$_.ProtectionStatus
                EncryptionPercentage = $_.EncryptionPercentage
                EncryptionMethod     = [int]$_.EncryptionMethod
            }
        })
    Save-Json $v 'bitlocker.json'
}
Step 'Get-NetFirewallProfile' {
    $f = @(Get-NetFirewallProfile | ForEach-Object {
            [pscustomobject]@{
                Name                  = $_.Name
                Enabled               = [int]$_.Enabled
                DefaultInboundAction  = [int]$_.DefaultInboundAction
                DefaultOutboundAction = [int]$_.DefaultOutboundAction
            }
        })
    Save-Json $f 'firewall.json'
}
Step 'Get-HotFix' {
    $h = @(Get-HotFix | ForEach-Object {
            [pscustomobject]@{
                HotFixID    = $_.HotFixID
                Description = $_.Description
                InstalledOn = $(if ($_.InstalledOn) { $_.InstalledOn.ToString('yyyy-MM-dd') })
            }
        })
    Save-Json $h 'hotfix.json'
}
Step 'Win32_OperatingSystem' {
    # The product MSRC's advisories name ("Windows 11 Version 23H2 for x64-based Systems"):
    # brokersec maps it from the build number, the installation type and the architecture
    # (OSArchitecture is localised, "64 位元"; PROCESSOR_ARCHITECTURE is not).
    $os = Get-CimInstance -ClassName Win32_OperatingSystem
    $cv = Get-ItemProperty -LiteralPath 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion'
    $sm = Get-ItemProperty -LiteralPath 'HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager\Environment'
    Save-Json ([pscustomobject]@{
            Caption               = $os.Caption
            Version               = $os.Version
            BuildNumber           = $os.BuildNumber
            OSArchitecture        = $os.OSArchitecture
            DisplayVersion        = $(if ($cv.PSObject.Properties['DisplayVersion']) { $cv.DisplayVersion } elseif ($cv.PSObject.Properties['ReleaseId']) { $cv.ReleaseId })
            InstallationType      = $(if ($cv.PSObject.Properties['InstallationType']) { $cv.InstallationType })
            UBR                   = $(if ($cv.PSObject.Properties['UBR']) { [int]$cv.UBR })
            ProcessorArchitecture = $(if ($sm.PSObject.Properties['PROCESSOR_ARCHITECTURE']) { $sm.PROCESSOR_ARCHITECTURE })
            CSName                = $os.CSName
        }) 'os.json'
}
Step 'Office macro policy' {
    # Office's macro settings are user policies (HKCU\Software\Policies\Microsoft\Office\<ver>\<app>\Security);
    # as SYSTEM, every loaded user hive is read.
    $apps = 'Word', 'Excel', 'PowerPoint', 'Access', 'Visio', 'Outlook'
    $installed = @()
    foreach ($ver in '16.0', '15.0') {
        foreach ($app in $apps) {
            if ((Test-Path "HKLM:\SOFTWARE\Microsoft\Office\$ver\$app\InstallRoot") -or
                (Test-Path "HKLM:\SOFTWARE\Microsoft\Office\ClickToRun\REGISTRY\MACHINE\Software\Microsoft\Office\$ver\$app\InstallRoot")) {
                $installed += [pscustomobject]@{ App = $app; Ver = $ver }
            }
        }
    }
    $hives = @(Get-ChildItem -Path 'Registry::HKEY_USERS' |
            Where-Object { $_.PSChildName -match '^S-1-5-21-[0-9-]+$' } |
            ForEach-Object { $_.PSPath })
    if ($hives.Count -eq 0) { $hives = @('HKCU:') }
    $rows = @()
    foreach ($i in $installed) {
        foreach ($hive in $hives) {
            $key = Join-Path $hive "Software\Policies\Microsoft\Office\$($i.Ver)\$($i.App.ToLower())\Security"
            $vba = $null; $inet = $null
            if (Test-Path -LiteralPath $key) {
                $k = Get-ItemProperty -LiteralPath $key
                if ($k.PSObject.Properties['VBAWarnings']) { $vba = [int]$k.VBAWarnings }
                if ($k.PSObject.Properties['blockcontentexecutionfrominternet']) { $inet = [int]$k.blockcontentexecutionfrominternet }
            }
            $rows += [pscustomobject]@{
                Application                       = $i.App
                Version                           = $i.Ver
                User                              = ($hive -replace '^.*::HKEY_USERS\\', '')
                VBAWarnings                       = $vba
                BlockContentExecutionFromInternet = $inet
            }
        }
    }
    Save-Json ([pscustomobject]@{ OfficeMacroPolicy = @($rows) }) 'office-macros.json'
}

$log | Out-File -FilePath (Join-Path $OutDir 'collect-log.txt') -Encoding utf8

# Flat file names only (Windows PowerShell 5.1's Compress-Archive writes a subfolder's
# separator as '\', which brokersec refuses).
$zip = Join-Path (Split-Path -Parent $OutDir) ("brokersec-export-{0}.zip" -f $env:COMPUTERNAME)
Compress-Archive -Path (Join-Path $OutDir '*') -DestinationPath $zip -Force
Write-Output "bundle: $zip"
if ($NoUpload) { exit 0 }

$token = (Get-Content -LiteralPath $TokenFile -Raw).Trim()
[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12
$uri = '{0}/api/v1/scans?system={1}&device={2}' -f $Server.TrimEnd('/'),
    [uri]::EscapeDataString($System), [uri]::EscapeDataString($Device)
try {
    $r = Invoke-RestMethod -Uri $uri -Method Post -ContentType 'application/zip' -InFile $zip `
        -Headers @{ Authorization = "Bearer $token" } -UseBasicParsing
    Write-Output ("saved scan {0} of {1}: {2} pass, {3} fail" -f $r.id, $r.host, $r.summary.pass, $r.summary.fail)
    exit 0
} catch {
    Write-Error "brokersec upload to $uri failed: $($_.Exception.Message)"
    exit 2
}
