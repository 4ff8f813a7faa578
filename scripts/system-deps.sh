#!/usr/bin/env bash
# Install the Debian packages bulletin needs, when missing. Usage: system-deps.sh build|test
# build: CJK fonts, Pango and HarfBuzz subsetting for WeasyPrint, poppler for page images, rsync for deploy.
# test:  the above plus Chromium for the browser tests.
set -euo pipefail
packages=(fonts-noto-cjk fonts-arphic-ukai libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils rsync)
if [ "${1:-build}" = "test" ]; then
  packages+=(chromium)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "缺少 Debian 软件包：${missing[*]}" >&2
  echo "请以 root 运行：apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "安装 Debian 软件包：${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
