#!/bin/sh
# Installs salud on Linux or macOS: downloads the release for this computer, checks its SHA-256
# checksum, and puts the salud command in a folder on your PATH. In a terminal:
#
#   curl -fsSL https://github.com/salud-health/salud/releases/latest/download/install.sh | sh
#
# Options, as arguments (after `sh -s --` when piped) or environment variables:
#   --dir DIR       SALUD_INSTALL_DIR    the folder to put salud in (default: ~/.local/bin)
#   --version V     SALUD_VERSION        the release to install (default: the one this script
#                                        came with)
#                   SALUD_DOWNLOAD_BASE  where the release's files are (default: its page on
#                                        GitHub); for a mirror, or a test without the internet
#
# Nothing is installed unless the download matches its checksum: the archive is downloaded and
# checked in a temporary folder, and salud moved into place only then.

# Everything happens in main, called on the last line: a download cut short runs nothing.
set -eu

DEFAULT_VERSION=0.1.0
REPOSITORY=https://github.com/salud-health/salud

say() {
  printf '%s\n' "$*"
}

fail() {
  printf 'salud installer: %s\n' "$*" >&2
  exit 1
}

usage() {
  say "Installs salud. Usage: sh install.sh [--dir FOLDER] [--version VERSION]"
  say "  --dir FOLDER       where to put salud (default: ~/.local/bin; or set SALUD_INSTALL_DIR)"
  say "  --version VERSION  the release to install (default: $DEFAULT_VERSION; or set SALUD_VERSION)"
  say "  SALUD_DOWNLOAD_BASE=ADDRESS  download from ADDRESS instead of $REPOSITORY/releases"
}

# The Rust target name of this computer, as in the release's file names.
detect_target() {
  os=$(uname -s)
  arch=$(uname -m)
  case $os in
    Linux) system=unknown-linux-gnu ;;
    Darwin) system=apple-darwin ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT)
      fail "this is Windows: install salud from PowerShell instead, with
  irm $REPOSITORY/releases/latest/download/install.ps1 | iex" ;;
    *) fail "there is no salud release for $os; build salud from its source: $REPOSITORY" ;;
  esac
  case $arch in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) fail "there is no salud release for $os on $arch processors; build salud from its source: $REPOSITORY" ;;
  esac
  # A terminal running under Rosetta says x86_64 on an Apple silicon Mac.
  if [ "$system" = apple-darwin ] && [ "$arch" = x86_64 ] &&
    [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || echo 0)" = 1 ]; then
    arch=aarch64
  fi
  if [ "$system" = unknown-linux-gnu ] && ldd --version 2>&1 | grep -qi musl; then
    fail "this Linux uses the musl C library (Alpine?), and salud's Linux release needs glibc 2.35 or later (Debian 12, Ubuntu 22.04 or later): use such a system or image"
  fi
  printf '%s-%s\n' "$arch" "$system"
}

download() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 2 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1"
  else
    fail "salud's installer needs curl or wget to download; install one of them first"
  fi
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  elif command -v openssl >/dev/null 2>&1; then
    openssl dgst -sha256 -r "$1" | cut -d ' ' -f 1
  else
    fail "salud's installer needs sha256sum, shasum or openssl to check the download; install one of them first"
  fi
}

main() {
  version=${SALUD_VERSION:-$DEFAULT_VERSION}
  dir=${SALUD_INSTALL_DIR:-}
  while [ $# -gt 0 ]; do
    case $1 in
      --dir) [ $# -ge 2 ] || fail "--dir needs a folder, e.g. --dir ~/bin"; dir=$2; shift 2 ;;
      --dir=*) dir=${1#--dir=}; shift ;;
      --version) [ $# -ge 2 ] || fail "--version needs a version, e.g. --version $DEFAULT_VERSION"; version=$2; shift 2 ;;
      --version=*) version=${1#--version=}; shift ;;
      -h | --help) usage; exit 0 ;;
      *) fail "unknown option $1 (sh install.sh --help lists them)" ;;
    esac
  done
  if [ -z "$dir" ]; then
    [ -n "${HOME:-}" ] || fail "HOME is not set, so there is no ~/.local/bin: give a folder with --dir"
    dir=$HOME/.local/bin
  fi
  version=${version#v}
  base=${SALUD_DOWNLOAD_BASE:-$REPOSITORY/releases/download/v$version}
  base=${base%/}
  target=$(detect_target)
  name=salud-$version-$target
  archive=$name.tar.gz

  tmp=$(mktemp -d 2>/dev/null || mktemp -d -t salud-install)
  trap 'rm -rf "$tmp"' EXIT
  trap 'exit 1' HUP INT TERM

  say "Downloading salud $version for $target from $base/"
  download "$base/$archive" "$tmp/$archive" ||
    fail "could not download $base/$archive. Check your internet connection and that version $version exists ($REPOSITORY/releases). Nothing was installed."
  download "$base/$archive.sha256" "$tmp/$archive.sha256" ||
    fail "could not download the checksum $base/$archive.sha256. Nothing was installed."

  expected=$(cut -d ' ' -f 1 < "$tmp/$archive.sha256" | tr 'A-F' 'a-f')
  actual=$(sha256_of "$tmp/$archive")
  if [ "$expected" != "$actual" ]; then
    fail "the download does not match its checksum, so it is damaged or not the file published: $archive has SHA-256 $actual, but $archive.sha256 says $expected. Nothing was installed; try again, and if it happens again, tell us at $REPOSITORY/issues"
  fi
  say "Checked its SHA-256 checksum: $actual"

  mkdir "$tmp/unpacked"
  tar -xzf "$tmp/$archive" -C "$tmp/unpacked" || fail "could not unpack $archive. Nothing was installed."
  binary=$tmp/unpacked/$name/salud
  [ -f "$binary" ] || fail "$archive holds no $name/salud. Nothing was installed."
  # A binary that cannot run here (a C library too old) is found before it replaces anything.
  if ! said=$("$binary" --version 2>&1); then
    fail "the downloaded salud does not run on this computer: $said. Nothing was installed."
  fi

  mkdir -p "$dir" || fail "could not create the folder $dir; choose another with --dir"
  # Copied beside its final place and then renamed, so salud is replaced in one step.
  partial=$dir/.salud.install.$$
  if ! cp "$binary" "$partial" || ! chmod 755 "$partial" || ! mv -f "$partial" "$dir/salud"; then
    rm -f "$partial"
    fail "could not write salud into $dir; choose another folder with --dir"
  fi

  say "Installed $said for $target as $dir/salud"
  case ":${PATH:-}:" in
    *":$dir:"*) say "Start a site with: salud new my-site" ;;
    *)
      case ${SHELL:-} in
        */zsh) profile=$HOME/.zprofile ;;
        *) profile=$HOME/.profile ;;
      esac
      say "$dir is not on your PATH yet, so the command salud is not found by name. Add it with"
      say "  echo 'export PATH=\"$dir:\$PATH\"' >> $profile"
      say "then open a new terminal, or run salud as $dir/salud"
      ;;
  esac
}

main "$@"
