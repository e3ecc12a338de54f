#!/usr/bin/env bash
# Builds libapprovalstudio and installs the C/C++ package under PREFIX:
#   PREFIX/lib/libapprovalstudio.so.X.Y.Z (+ .so.0 and .so symlinks), PREFIX/lib/libapprovalstudio.a
#   PREFIX/include/approvalstudio.h, approvalstudio.hpp
#   PREFIX/lib/pkgconfig/approvalstudio.pc (Libs.private for static linking)
#   PREFIX/lib/cmake/approvalstudio/ (find_package: approvalstudio::shared, approvalstudio::static)
# Usage: bash scripts/install-c.sh PREFIX   (APST_PROFILE=debug: debug build, unstripped)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
prefix="${1:?usage: install-c.sh PREFIX}"
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"
profile="${APST_PROFILE:-release}"
case "$profile" in
  release) cargo_flags=(--release) ;;
  debug) cargo_flags=() ;;
  *) echo "APST_PROFILE must be release or debug" >&2; exit 2 ;;
esac

cargo build -p approvalstudio-ffi "${cargo_flags[@]}"
libdir_build="$CARGO_TARGET_DIR/$profile"

# The system libraries a static link needs, as rustc reports them.
native=$(cargo rustc -p approvalstudio-ffi "${cargo_flags[@]}" --lib --crate-type staticlib \
  -- --print native-static-libs 2>&1 | sed -n 's/.*native-static-libs: //p' | tail -1)
if [ -z "$native" ]; then
  echo "install-c: could not get native-static-libs from rustc" >&2
  exit 1
fi

version=$(sed -n 's/^#define APST_VERSION_MAJOR \([0-9]*\)/\1/p' include/approvalstudio.h).$(
  sed -n 's/^#define APST_VERSION_MINOR \([0-9]*\)/\1/p' include/approvalstudio.h).$(
  sed -n 's/^#define APST_VERSION_PATCH \([0-9]*\)/\1/p' include/approvalstudio.h)
major=${version%%.*}
minor=$(echo "$version" | cut -d. -f2)
abi=$(sed -n 's/^#define APST_ABI_VERSION \([0-9]*\)/\1/p' include/approvalstudio.h)

install -d "$prefix/lib/pkgconfig" "$prefix/lib/cmake/approvalstudio" "$prefix/include"
install -m 0755 "$libdir_build/libapprovalstudio.so" "$prefix/lib/libapprovalstudio.so.$version"
ln -sfn "libapprovalstudio.so.$version" "$prefix/lib/libapprovalstudio.so.$abi"
ln -sfn "libapprovalstudio.so.$abi" "$prefix/lib/libapprovalstudio.so"
install -m 0644 "$libdir_build/libapprovalstudio.a" "$prefix/lib/libapprovalstudio.a"
install -m 0644 include/approvalstudio.h include/approvalstudio.hpp "$prefix/include/"
# Release installs drop the debug info (the .so goes from ~50 MB to ~8 MB); APST_STRIP=0 keeps it.
if [ "$profile" = release ] && [ "${APST_STRIP:-1}" = 1 ] && command -v strip >/dev/null; then
  strip --strip-unneeded "$prefix/lib/libapprovalstudio.so.$version"
  strip --strip-debug "$prefix/lib/libapprovalstudio.a"
fi

# Duplicates (-lc, -lm twice...) are harmless; drop them for readability.
libs_private=$(echo "$native" | tr ' ' '\n' | awk 'NF && !seen[$0]++' | tr '\n' ' ' | sed 's/ $//')
cmake_libs=$(echo "$libs_private" | tr ' ' '\n' | sed 's/^-l//' | tr '\n' ';' | sed 's/;$//')
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" -e "s|@LIBS_PRIVATE@|$libs_private|" \
  ffi/packaging/approvalstudio.pc.in >"$prefix/lib/pkgconfig/approvalstudio.pc"
sed -e "s|@VERSION@|$version|g" -e "s|@ABI@|$abi|g" -e "s|@CMAKE_LIBS_PRIVATE@|$cmake_libs|" \
  ffi/packaging/approvalstudioConfig.cmake.in >"$prefix/lib/cmake/approvalstudio/approvalstudioConfig.cmake"
sed -e "s|@VERSION@|$version|g" -e "s|@MAJOR@|$major|g" -e "s|@MINOR@|$minor|g" \
  ffi/packaging/approvalstudioConfigVersion.cmake.in \
  >"$prefix/lib/cmake/approvalstudio/approvalstudioConfigVersion.cmake"
echo "installed libapprovalstudio $version ($profile) under $prefix"
