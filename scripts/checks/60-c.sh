#!/usr/bin/env bash
# The C ABI: header up to date (pinned cbindgen), soname, install step (.pc + CMake package),
# tests/c (as C and as C++) against the emulator, under ASan+UBSan and under valgrind (with
# the counted bad-input suite generated from the header, a sample of it under valgrind), a
# static link through the .pc's Libs.private, the C and C++ examples built against the
# installed package, and the README's "C and C++" commands.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh

work="${APST_C_WORK:-$APST_CACHE/c-check}"
rm -rf "$work"
mkdir -p "$work"
prefix="$work/prefix"
jobs=2
step() { echo "--- 60-c: $*"; }

step "header is what cbindgen $(cbindgen --version | awk '{print $2}') generates"
cbindgen --quiet --config ffi/cbindgen.toml --crate approvalstudio-ffi --output "$work/approvalstudio.h" ffi
if ! diff -u include/approvalstudio.h "$work/approvalstudio.h"; then
  echo "include/approvalstudio.h is stale: regenerate it (see ffi/cbindgen.toml) and commit" >&2
  exit 1
fi

step "every function's doc comment states ownership and thread-safety"
python3 - include/approvalstudio.h <<'PY'
import re, sys
text = open(sys.argv[1]).read()
decls = re.findall(r"/\*\*((?:(?!\*/).)*)\*/\s*[^;{]*?\b(apst_\w+)\([^;]*\);", text, re.S)
missing = [n for d, n in decls if "Ownership" not in d or "Thread-safety" not in d]
print(f"{len(decls)} functions documented")
if missing or len(decls) < 90:
    sys.exit(f"doc comment without Ownership/Thread-safety: {missing}")
PY

step "build (debug) and install to $prefix"
cargo build -q -p approvalstudio-ffi -p approvalstudio-emulator
emulator="$CARGO_TARGET_DIR/debug/approvalstudio-emulator"
APST_PROFILE=debug bash scripts/install-c.sh "$prefix"
soname=$(readelf -d "$prefix/lib/libapprovalstudio.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = "libapprovalstudio.so.0" ] || { echo "soname is '$soname'" >&2; exit 1; }
test -f "$prefix/lib/pkgconfig/approvalstudio.pc"
test -f "$prefix/lib/cmake/approvalstudio/approvalstudioConfig.cmake"
grep -q '^Libs.private: .*-l' "$prefix/lib/pkgconfig/approvalstudio.pc"

run_suite() { # name, extra cmake args...
  local name=$1
  shift
  step "tests/c: $name"
  cmake -S tests/c -B "$work/$name" -DAPST_LIB_DIR="$prefix/lib" "$@" >/dev/null
  cmake --build "$work/$name" -j"$jobs" >/dev/null
  (cd "$work/$name" && "$emulator" exec -- ctest --output-on-failure -j1)
}
suites="${APST_C_SUITES:-plain asan valgrind}" # all three unless narrowed while developing
if [[ " $suites " == *" plain "* ]]; then
  run_suite plain
  # Generated from the header (tests/c/gen_bad_input_suite.py); ctest ran it, this prints
  # its counts (about 1 s).
  step "bad-input suite over the C exports: counts"
  (cd "$work/plain" && "$emulator" exec -- ./test_bad_input_suite)
fi
[[ " $suites " == *" asan "* ]] && run_suite asan -DAPST_SANITIZE=ON
[[ " $suites " == *" valgrind "* ]] && run_suite valgrind -DAPST_VALGRIND=ON

step "static link with pkg-config --static (Libs.private)"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
libs=$(pkg-config --static --libs approvalstudio | sed 's/-lapprovalstudio\b/-l:libapprovalstudio.a/')
# shellcheck disable=SC2086,SC2046
cc -std=c99 -Wall -Werror -Wno-unused-function $(pkg-config --cflags approvalstudio) -Itests/c \
  tests/c/test_basics.c -o "$work/test_basics_static" $libs
if ldd "$work/test_basics_static" | grep -q libapprovalstudio; then
  echo "the static test binary still needs libapprovalstudio.so" >&2
  exit 1
fi
"$emulator" exec -- "$work/test_basics_static"

step "examples against the installed package (C: approvalstudio::shared, C++: approvalstudio::static)"
for ex in c cpp; do
  cmake -S "examples/$ex" -B "$work/example-$ex" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
  cmake --build "$work/example-$ex" >/dev/null
done
url=$("$emulator" exec -- "$work/example-c/upload_for_review" examples/c/artwork.txt)
echo "C example: $url"
[[ "$url" == http*://*/* ]]
url=$("$emulator" exec -- "$work/example-cpp/upload_for_review_cpp" examples/c/artwork.txt buyer@example.com)
echo "C++ example: $url"
[[ "$url" == http*://*/* ]]

step "README: the C and C++ commands, as written"
sed -n '/<!-- c-readme-begin -->/,/<!-- c-readme-end -->/p' README.md |
  sed -n '/^```sh$/,/^```$/p' | grep -v '^```' >"$work/readme.sh"
test -s "$work/readme.sh"
# Same commands, with the prefix and build directory under $work and a debug build.
sed -e "s|\$HOME/.local/approvalstudio|$work/readme-prefix|g" -e "s| build/| $work/readme-build/|g" \
  "$work/readme.sh" >"$work/readme-run.sh"
out=$(APST_PROFILE=debug bash -euo pipefail "$work/readme-run.sh")
echo "$out"
echo "$out" | tail -1 | grep -q '^http'
echo "60-c: all C checks passed"
