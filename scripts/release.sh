#!/usr/bin/env bash
# Builds salud for this computer (or for SALUD_TARGET) and packages it for a release:
#
#   dist/salud-VERSION-TARGET.tar.gz   (.zip for Windows) with salud, the README and the licences
#   dist/salud-VERSION-TARGET.tar.gz.sha256
#   dist/install.sh, dist/install.ps1  the installers, which the deploy recipes fetch from a release
#
# A shell script rather than a Rust program (an xtask): it only runs cargo, tar or zip and
# sha256sum one after the other, and bash is on every CI runner (Git Bash on Windows) and every
# developer's machine, so releasing needs nothing built first.
#
# Environment:
#   SALUD_TARGET  a Rust target triple to build for (default: this computer's)
#   SALUD_BINARY  an already built salud to package instead of building one (the tests use the
#                 binary cargo test built, rather than compiling salud a second time)
#   SALUD_DIST    the folder to write to (default: dist)
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "release.sh: $*" >&2
  exit 1
}

# The Rust libraries built into salud for $target, each with its licence and the licence files
# its package holds (most MIT and Apache licences ask that their text go with the binary).
crate_licences() {
  local registry=${CARGO_HOME:-$HOME/.cargo}/registry/src
  echo "The Rust libraries built into salud $version for $target, with their licences."
  echo
  "$cargo" tree --locked --offline -e normal --target "$target" --prefix none --format '{p}|{l}' |
    sed 's/ (\*)$//; s/ (proc-macro)//' | grep -v '^salud ' | sort -u |
    while IFS='|' read -r package licence; do
      local name=${package% v*} crate_version=${package##* v} found=0 dir file
      echo "=== $name $crate_version: ${licence:-no licence given}"
      for dir in "$registry"/*/"$name-$crate_version"; do
        [ -d "$dir" ] || continue
        for file in "$dir"/LICEN[CS]E* "$dir"/COPYING* "$dir"/UNLICENSE* "$dir"/NOTICE*; do
          [ -f "$file" ] || continue
          echo "--- ${file##*/}"
          cat "$file"
          echo
          found=1
        done
        break
      done
      if [ "$found" = 0 ]; then
        echo "(The package holds no licence file; the text of $licence is at https://spdx.org/licenses/)"
      fi
      echo
    done
}

cargo=${CARGO:-cargo}
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
[ -n "$version" ] || fail "no version = \"...\" line in Cargo.toml"
host=$(rustc -vV 2>/dev/null | sed -n 's/^host: //p' || true)
target=${SALUD_TARGET:-$host}
[ -n "$target" ] || fail "cannot tell this computer's Rust target (is rustc installed?); set SALUD_TARGET"
dist=${SALUD_DIST:-dist}

case $target in
  *windows*) exe=salud.exe archive_ext=zip ;;
  *) exe=salud archive_ext=tar.gz ;;
esac

if [ -n "${SALUD_BINARY:-}" ]; then
  binary=$SALUD_BINARY
elif [ -n "${SALUD_TARGET:-}" ]; then
  "$cargo" build --release --locked --target "$target"
  binary=target/$target/release/$exe
else
  "$cargo" build --release --locked
  binary=target/release/$exe
fi
[ -f "$binary" ] || fail "$binary does not exist"

# A binary of another version would be published under this one's name.
if [ "$target" = "$host" ]; then
  said=$("$binary" --version)
  case $said in
    "salud $version "*) ;;
    *) fail "$binary says \"$said\", but this checkout is salud $version: build it again from here" ;;
  esac
fi

name=salud-$version-$target
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/$name
mkdir -p "$stage/licenses" "$dist"

cp "$binary" "$stage/$exe"
# Linux binaries carry their symbol table (a fifth of their size); macOS ones are left as the
# linker signed them, since stripping would break the signature.
case $target in
  *linux*) if command -v strip >/dev/null 2>&1 && [ "$target" = "$host" ]; then strip "$stage/$exe"; fi ;;
esac
cp README.md "$stage/README.md"
cp LICENSE "$stage/LICENSE"
cp themes/default/fonts/LICENSE-DejaVu.txt "$stage/licenses/DejaVu-fonts.txt"
cp themes/default/names/LICENSE-UNICODE "$stage/licenses/Unicode-CLDR.txt"
cat > "$stage/licenses/README.txt" <<TEXT
salud $version is under the MIT licence: LICENSE, beside this folder.

It carries inside it, and writes into the sites it builds:
- the DejaVu Sans fonts (charts, maps and PDF profiles): DejaVu-fonts.txt
- country names in Spanish from the Unicode CLDR: Unicode-CLDR.txt

The sample site that "salud new" writes holds figures from the World Bank's World Development
Indicators (CC BY 4.0, https://creativecommons.org/licenses/by/4.0/) and from INEI's ENDES
survey (department estimates compiled by J. Oré); each source and its licence is named in the
new site's data/sources.toml and beside every value on its pages.

salud is built from the Rust libraries listed, with their licences, in rust-libraries.txt.
TEXT
crate_licences > "$stage/licenses/rust-libraries.txt"

archive=$name.$archive_ext
rm -f "$dist/$archive" "$dist/$archive.sha256"
dist_abs=$(cd "$dist" && pwd)
if [ "$archive_ext" = zip ]; then
  out=$dist_abs/$archive
  # Git Bash on Windows has no zip; 7-Zip or PowerShell, which its runners have, make one too.
  if command -v zip >/dev/null 2>&1; then
    (cd "$work" && zip -qr "$out" "$name")
  elif command -v 7z >/dev/null 2>&1; then
    (cd "$work" && 7z a -tzip -bd "$(cygpath -w "$out" 2>/dev/null || echo "$out")" "$name" >/dev/null)
  else
    (cd "$work" && pwsh -NoProfile -Command "Compress-Archive -Path '$name' -DestinationPath '$(cygpath -w "$out" 2>/dev/null || echo "$out")'")
  fi
else
  tar -czf "$dist_abs/$archive" -C "$work" "$name"
fi

# The checksum file reads like sha256sum's output, so `sha256sum -c` checks it.
if command -v sha256sum >/dev/null 2>&1; then
  (cd "$dist" && sha256sum "$archive" > "$archive.sha256")
else
  (cd "$dist" && shasum -a 256 "$archive" > "$archive.sha256")
fi
cp install.sh install.ps1 "$dist/"
echo "Packaged salud $version for $target: $dist/$archive ($(wc -c < "$dist/$archive" | tr -d ' ') bytes) and $dist/$archive.sha256"
