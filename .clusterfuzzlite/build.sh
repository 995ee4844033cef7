#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build of apiharness's fuzz targets.
#
# Keep in step with fuzz/CMakeLists.txt (the CMake `fuzz` preset): the same
# library sources (harness/*/*.c except cli/), cJSON from Debian's source
# package compiled with the same flags, the spec compiled in, one binary per
# fuzz/<name>_fuzzer.c plus the same extra sources.  It compiles directly with
# $CC rather than through CMake because the builder image's CMake is older than
# the project's minimum.  OSS-Fuzz sets CC, CFLAGS (sanitizers and
# -fsanitize=fuzzer-no-link, or coverage flags), LIB_FUZZING_ENGINE, SRC, OUT
# and WORK; APIHARNESS_CJSON_SOURCE_DIR overrides where cJSON's source is.
src=${APIHARNESS_SRC:-$SRC/apiharness}
cjson=${APIHARNESS_CJSON_SOURCE_DIR:-$SRC/cjson-debian}
work=${WORK:-/tmp}/apiharness-build
rm -rf "$work"
mkdir -p "$work/obj" "$work/include/cjson" "$OUT"
cd "$src"

[ -f "$cjson/cJSON.c" ] || { echo "build.sh: no cJSON.c in $cjson" >&2; exit 1; }
cp "$cjson/cJSON.h" "$work/include/cjson/cJSON.h"

version=$(sed -nE 's/^project\(apiharness VERSION ([0-9.]+).*/\1/p' CMakeLists.txt)
deps_cflags=$(pkg-config --cflags libpcre2-8 libcurl libmicrohttpd)
deps_libs=$(pkg-config --libs libpcre2-8 libcurl libmicrohttpd)
# As CMake: C11 without extensions, POSIX APIs, harness/ as the include root;
# the copied cJSON header comes before the system one.
common=(-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I"$work/include" -I"$src/harness"
        -I"$src/fuzz" -DAPIHARNESS_VERSION="\"$version\""
        -DAPIHARNESS_DEFAULT_SPEC="\"$src/spec/create-api-token.openapi.json\"")

# The spec, compiled in (what fuzz/embed.cmake generates for CMake builds):
# fuzz_spec_data for the targets, hspec_embedded_spec for the library when it
# has one (harness/spec/embedded.h; the top-level CMakeLists.txt generates it).
spec=spec/create-api-token.openapi.json
embed() { # name output
  {
    echo '#include <stddef.h>'
    echo "extern const unsigned char $1[]; extern const size_t $1_len;"
    echo "const unsigned char $1[] = {"
    od -An -v -tx1 "$spec" | sed -E 's/ *([0-9a-f]{2})/0x\1,/g'
    echo '0x00};'
    echo "const size_t $1_len = $(wc -c <"$spec");"
  } >"$2"
}

# cJSON and the library, instrumented by $CFLAGS.
$CC $CFLAGS -std=c11 -c "$cjson/cJSON.c" -o "$work/obj/cJSON.o"
lib_objs=()
for f in harness/*/*.c; do
  case "$f" in harness/cli/*) continue ;; esac
  o="$work/obj/$(echo "${f%.c}" | tr / _).o"
  # -Wno-unknown-warning-option: some files silence gcc's -Wformat-truncation
  # with a pragma clang does not know.
  # shellcheck disable=SC2086
  $CC $CFLAGS -Wno-unknown-warning-option "${common[@]}" $deps_cflags -c "$f" -o "$o"
  lib_objs+=("$o")
done
if [ -f harness/spec/embedded.h ]; then
  embed hspec_embedded_spec "$work/hspec_embedded_spec.c"
  $CC $CFLAGS "${common[@]}" -c "$work/hspec_embedded_spec.c" -o "$work/obj/hspec_embedded_spec.o"
  lib_objs+=("$work/obj/hspec_embedded_spec.o")
fi
ar rcs "$work/libharness.a" "${lib_objs[@]}"

embed fuzz_spec_data "$work/fuzz_spec_blob.c"
$CC $CFLAGS "${common[@]}" -c "$work/fuzz_spec_blob.c" -o "$work/obj/fuzz_spec_blob.o"
# The sources every target links (FUZZ_COMMON_SOURCES in fuzz/CMakeLists.txt).
common_objs=("$work/obj/fuzz_spec_blob.o")
for s in fuzz/fuzz_common.c fuzz/fuzz_rfc8259.c fuzz/fuzz_gen.c; do
  o="$work/obj/$(basename "${s%.c}").o"
  # shellcheck disable=SC2086
  $CC $CFLAGS "${common[@]}" $deps_cflags -c "$s" -o "$o"
  common_objs+=("$o")
done

# Headers a target needs beyond the core layers: as FUZZ_NEEDS_<name>.
needs() {
  case "$1" in
    api_token_response|problem_details) echo harness/judge/hjudge.h ;;
    http_response) echo harness/client/hclient.h ;;
    endpoint) echo harness/mock/hmock.h harness/judge/hjudge.h ;;
    judge_multi) echo harness/judge/hjudge.h ;;
  esac
}
# Extra sources per target: as FUZZ_SOURCES_<name> in fuzz/CMakeLists.txt.
extra_sources() {
  case "$1" in
    api_token_response|problem_details) echo fuzz/fuzz_judge.c ;;
  esac
}
dict_for() {
  case "$1" in
    create_dto|dto_structure|endpoint) echo corpus/create_dto.dict ;;
    api_token_response|problem_details) echo corpus/response.dict ;;
    *) [ -f "corpus/$1.dict" ] && echo "corpus/$1.dict" ;;
  esac
}

for f in fuzz/*_fuzzer.c; do
  name=$(basename "$f" _fuzzer.c)
  missing=""
  for h in $(needs "$name"); do [ -f "$h" ] || missing="$h"; done
  if [ -n "$missing" ]; then
    echo "build.sh: ${name}_fuzzer skipped: needs $missing" >&2
    continue
  fi
  objs=()
  for s in "$f" $(extra_sources "$name"); do
    o="$work/obj/$name-$(basename "${s%.c}").o"
    $CC $CFLAGS "${common[@]}" $deps_cflags -c "$s" -o "$o"
    objs+=("$o")
  done
  # shellcheck disable=SC2086
  $CC $CFLAGS "${objs[@]}" "${common_objs[@]}" \
    "$work/libharness.a" "$work/obj/cJSON.o" $LIB_FUZZING_ENGINE $deps_libs -lpthread -lm \
    -o "$OUT/${name}_fuzzer"
  d=$(dict_for "$name" || true)
  [ -n "$d" ] && cp "$d" "$OUT/${name}_fuzzer.dict"
  printf '[libfuzzer]\nmax_len = %s\ntimeout = 10\nrss_limit_mb = 2048\n' \
    "$([ "$name" = spec ] && echo 16384 || echo 4096)" >"$OUT/${name}_fuzzer.options"
  seeds=$(find "corpus/$name" "corpus/regressions/$name" -maxdepth 1 -type f ! -name '.*' 2>/dev/null || true)
  if [ -n "$seeds" ]; then
    rm -f "$OUT/${name}_fuzzer_seed_corpus.zip"
    # shellcheck disable=SC2086
    zip -q -j "$OUT/${name}_fuzzer_seed_corpus.zip" $seeds
  fi
done
