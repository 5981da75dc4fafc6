#!/usr/bin/env bash
# Installs what softkvm needs to build and test: Debian packages and the engine (Unicorn 2.1.4
# built from its PyPI source with softkvm's patches).
# Idempotent: each step is skipped when its result is already present.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
deps="$root/build/deps"
unicorn_version=2.1.4

debian_packages=(build-essential cmake python3 python3-pip clang-format clang gdb gdb-multiarch
  libfdt-dev libcmocka-dev libcapstone-dev
  gcc-powerpc-linux-gnu gcc-powerpc64-linux-gnu gcc-s390x-linux-gnu
  patch qemu-system-x86)

missing=()
for p in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The engine: Unicorn built from its PyPI source distribution (hash checked) with
# softkvm's patches (engine/patches/*.patch, applied in name order), x86, ppc and s390x
# only, installed into build/deps/unicorn. The stamp records the sdist hash, the patch
# set's hash and the build options: when they match, nothing is done.
unicorn_sha256=00567a70e323f749b419cd86bee4f9115beab7ebba32194581c090cbb7c59cff
unicorn_archs="x86;ppc;s390x"
stamp="$deps/unicorn-$unicorn_version.stamp"
patches=("$root"/engine/patches/*.patch)
want=$(
  echo "sdist $unicorn_sha256 archs $unicorn_archs build Release"
  cat "${patches[@]}" | sha256sum | cut -d' ' -f1
)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  src="$deps/src"
  tarball="$src/unicorn-$unicorn_version.tar.gz"
  mkdir -p "$src"
  if [ ! -f "$tarball" ] || ! echo "$unicorn_sha256  $tarball" | sha256sum -c --quiet 2>/dev/null; then
    echo "setup: fetching the Unicorn $unicorn_version source distribution from PyPI"
    rm -f "$tarball"
    python3 -m pip download --quiet --no-deps --no-binary=:all: \
      "unicorn==$unicorn_version" -d "$src"
  fi
  if ! echo "$unicorn_sha256  $tarball" | sha256sum -c --quiet; then
    echo "setup: $tarball does not have the expected sha256 $unicorn_sha256" >&2
    exit 1
  fi
  echo "setup: building Unicorn $unicorn_version ($unicorn_archs) with ${#patches[@]} softkvm patch(es)"
  tree="$src/unicorn-$unicorn_version"
  rm -rf "$tree" "$deps/unicorn-build" "$deps/unicorn" "$stamp"
  tar -xzf "$tarball" -C "$src"
  for p in "${patches[@]}"; do
    patch -d "$tree" -p1 --batch --forward --quiet <"$p" || {
      echo "setup: patch $(basename "$p") does not apply to Unicorn $unicorn_version" >&2
      exit 1
    }
  done
  cmake -S "$tree/src" -B "$deps/unicorn-build" -DCMAKE_BUILD_TYPE=Release \
    -DUNICORN_ARCH="$unicorn_archs" -DUNICORN_BUILD_TESTS=OFF -DUNICORN_INSTALL=ON \
    -DBUILD_SHARED_LIBS=ON -DCMAKE_INSTALL_PREFIX="$deps/unicorn" \
    -DCMAKE_INSTALL_LIBDIR=lib >"$deps/unicorn-build.log" 2>&1 ||
    { tail -20 "$deps/unicorn-build.log" >&2; exit 1; }
  cmake --build "$deps/unicorn-build" -j"${JOBS:-$(nproc)}" >>"$deps/unicorn-build.log" 2>&1 ||
    { tail -20 "$deps/unicorn-build.log" >&2; exit 1; }
  cmake --install "$deps/unicorn-build" >>"$deps/unicorn-build.log" 2>&1 ||
    { tail -20 "$deps/unicorn-build.log" >&2; exit 1; }
  rm -rf "$deps/unicorn-build" "$tree"
  echo "$want" >"$stamp"
fi
echo "setup: done (Unicorn $unicorn_version in $deps/unicorn)"
