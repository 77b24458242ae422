#!/usr/bin/env bash
# The tests run a real PostgreSQL from Debian's packages (never a mock, never a downloaded binary).
# Installs `postgresql` when no server binaries are under /usr/lib/postgresql; needs root, like the
# root scripts/install-browser.sh does for chromium.
set -euo pipefail
if compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "install-postgres: no PostgreSQL under /usr/lib/postgresql and not root: install Debian's postgresql package" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null
