#!/usr/bin/env bash
# Installs what softkvm needs to build and test: Debian packages and Unicorn 2.1.4 from PyPI.
# Idempotent: each step is skipped when its result is already present.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
deps="$root/build/deps"
unicorn_version=2.1.4

debian_packages=(build-essential cmake python3 python3-pip clang-format
  libfdt-dev libcmocka-dev libcapstone-dev
  gcc-powerpc-linux-gnu gcc-powerpc64-linux-gnu gcc-s390x-linux-gnu)

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

stamp="$deps/unicorn-$unicorn_version.stamp"
if [ ! -f "$stamp" ]; then
  echo "setup: fetching Unicorn $unicorn_version from PyPI"
  rm -rf "$deps/unicorn" "$deps/wheel"
  mkdir -p "$deps/wheel"
  python3 -m pip download --quiet --no-deps --only-binary=:all: \
    "unicorn==$unicorn_version" -d "$deps/wheel"
  whl=$(ls "$deps"/wheel/unicorn-"$unicorn_version"-*.whl | head -n 1)
  python3 - "$whl" "$deps/wheel/x" <<'PY'
import sys, zipfile
zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])
PY
  mkdir -p "$deps/unicorn/lib" "$deps/unicorn/include"
  cp -r "$deps/wheel/x/unicorn/include/unicorn" "$deps/unicorn/include/"
  cp "$deps/wheel/x/unicorn/lib/libunicorn.so.2" "$deps/unicorn/lib/"
  ln -sf libunicorn.so.2 "$deps/unicorn/lib/libunicorn.so"
  rm -rf "$deps/wheel"
  touch "$stamp"
fi
echo "setup: done (Unicorn $unicorn_version in $deps/unicorn)"
