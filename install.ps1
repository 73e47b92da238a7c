# Installs salud on Windows: downloads the release, checks its SHA-256 checksum, puts salud.exe
# in a folder and adds that folder to your PATH. In PowerShell:
#
#   irm https://github.com/salud-health/salud/releases/latest/download/install.ps1 | iex
#
# Options, as environment variables set before running it:
#   SALUD_INSTALL_DIR    the folder to put salud.exe in (default: ~\.local\bin)
#   SALUD_VERSION        the release to install (default: the one this script came with)
#   SALUD_DOWNLOAD_BASE  where the release's files are (default: its page on GitHub)
#
# Nothing is installed unless the download matches its checksum: the archive is downloaded and
# checked in a temporary folder, and salud.exe moved into place only then. The script never
# calls `exit`, which would close the window it was pasted into; an error stops it with its
# message instead.

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue' # Invoke-WebRequest is many times slower drawing its progress bar

$DefaultVersion = '0.1.0'
$Repository = 'https://github.com/salud-health/salud'

$version = if ($env:SALUD_VERSION) { $env:SALUD_VERSION.TrimStart('v') } else { $DefaultVersion }
$dir = if ($env:SALUD_INSTALL_DIR) { $env:SALUD_INSTALL_DIR } else { Join-Path $HOME '.local\bin' }
$base = if ($env:SALUD_DOWNLOAD_BASE) { $env:SALUD_DOWNLOAD_BASE.TrimEnd('/') } else { "$Repository/releases/download/v$version" }

# Windows on ARM runs the x86_64 release through its emulation.
if ($env:PROCESSOR_ARCHITECTURE -notin @('AMD64', 'ARM64')) {
    throw "salud installer: there is no salud release for $($env:PROCESSOR_ARCHITECTURE) processors; build salud from its source: $Repository"
}
$target = 'x86_64-pc-windows-msvc'
$name = "salud-$version-$target"
$archive = "$name.zip"

# Windows PowerShell 5 offers only old TLS versions by default, which GitHub refuses.
[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12

$tmp = Join-Path ([IO.Path]::GetTempPath()) ("salud-install-" + [guid]::NewGuid())
New-Item -ItemType Directory -Path $tmp | Out-Null
try {
    Write-Host "Downloading salud $version for $target from $base/"
    try {
        Invoke-WebRequest -UseBasicParsing -Uri "$base/$archive" -OutFile (Join-Path $tmp $archive)
        Invoke-WebRequest -UseBasicParsing -Uri "$base/$archive.sha256" -OutFile (Join-Path $tmp "$archive.sha256")
    } catch {
        throw "salud installer: could not download $base/$archive or its checksum ($($_.Exception.Message)). Check your internet connection and that version $version exists ($Repository/releases). Nothing was installed."
    }

    $expected = ((Get-Content -Raw (Join-Path $tmp "$archive.sha256")).Trim() -split '\s+')[0].ToLowerInvariant()
    $actual = (Get-FileHash -Algorithm SHA256 -Path (Join-Path $tmp $archive)).Hash.ToLowerInvariant()
    if ($expected -ne $actual) {
        throw "salud installer: the download does not match its checksum, so it is damaged or not the file published: $archive has SHA-256 $actual, but $archive.sha256 says $expected. Nothing was installed; try again, and if it happens again, tell us at $Repository/issues"
    }
    Write-Host "Checked its SHA-256 checksum: $actual"

    $unpacked = Join-Path $tmp 'unpacked'
    Expand-Archive -Path (Join-Path $tmp $archive) -DestinationPath $unpacked
    $exe = Join-Path $unpacked "$name\salud.exe"
    if (-not (Test-Path -PathType Leaf $exe)) {
        throw "salud installer: $archive holds no $name\salud.exe. Nothing was installed."
    }
    $said = & $exe --version
    if ($LASTEXITCODE -ne 0) {
        throw "salud installer: the downloaded salud.exe does not run on this computer. Nothing was installed."
    }

    New-Item -ItemType Directory -Force -Path $dir | Out-Null
    # Copied beside its final place and then renamed, so salud.exe is replaced in one step.
    $partial = Join-Path $dir '.salud.install.exe'
    try {
        Copy-Item -Force -Path $exe -Destination $partial
        Move-Item -Force -Path $partial -Destination (Join-Path $dir 'salud.exe')
    } catch {
        Remove-Item -Force -ErrorAction SilentlyContinue $partial
        throw "salud installer: could not write salud.exe into $dir ($($_.Exception.Message)). If salud is running (salud serve), stop it and try again, or choose another folder with SALUD_INSTALL_DIR."
    }
    Write-Host "Installed $said for $target as $(Join-Path $dir 'salud.exe')"

    $userPath = [Environment]::GetEnvironmentVariable('Path', 'User')
    $folders = if ($userPath) { $userPath -split ';' } else { @() }
    if ($folders -notcontains $dir) {
        $newPath = if ($userPath) { "$dir;$userPath" } else { $dir }
        [Environment]::SetEnvironmentVariable('Path', $newPath, 'User')
        $env:Path = "$dir;$env:Path"
        Write-Host "Added $dir to your PATH: new terminals find salud by name."
    }
    Write-Host "Start a site with: salud new my-site"
} finally {
    Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $tmp
}
