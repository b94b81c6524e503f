#!/usr/bin/env bash
# Prepares a checkout for `make run` and `make test`, from a fresh machine or again:
#   1. Debian packages, installed only when missing and only when run as root:
#      CJK fonts and WeasyPrint's libraries (PDFs), the Fandol faces of official documents
#      (texlive-lang-chinese: FangSong, Song, Hei), poppler-utils (tests read PDFs back),
#      gettext (translations); with --browser also chromium (the browser smoke test),
#      with --bench also wrk (the load generator of `make bench`);
#   2. the virtualenv $VENV (default .venv) with requirements-dev.txt, reinstalled only
#      when a requirements file is newer than the stamp left by the last install;
#   3. compiled translations and collected static files (both skip what is up to date).
# Environment: PYTHON (default python3), VENV (default .venv), SKIP_APT=1.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
browser=0
bench=0
for arg in "$@"; do
  case $arg in
    --browser) browser=1 ;;
    --bench) bench=1 ;;
    *) echo "usage: $0 [--browser] [--bench]" >&2; exit 2 ;;
  esac
done

packages=(fonts-noto-cjk texlive-lang-chinese poppler-utils gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
if [ "$browser" = 1 ]; then
  packages+=(chromium)
fi
if [ "$bench" = 1 ]; then
  packages+=(wrk)
fi
if [ ! -x "$VENV/bin/python" ]; then
  # Debian ships python3 without venv/ensurepip: both are needed to create the venv.
  if ! command -v "$PYTHON" >/dev/null 2>&1; then
    packages+=(python3 python3-venv)
  elif ! "$PYTHON" -c 'import ensurepip' >/dev/null 2>&1; then
    packages+=(python3-venv)
  fi
fi
apt_install_missing "${packages[@]}"

if [ -d "$VENV" ] && ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
  say "$VENV is broken (its python does not start): recreating it"
  [ -f "$VENV/pyvenv.cfg" ] && rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV with $("$PYTHON" --version 2>&1)"
  "$PYTHON" -m venv "$VENV"
fi

stamp="$VENV/.requirements-installed"
if [ ! -f "$stamp" ] || [ requirements.txt -nt "$stamp" ] || [ requirements-dev.txt -nt "$stamp" ]; then
  say "installing requirements-dev.txt into $VENV"
  "$VENV/bin/python" -m pip install --disable-pip-version-check --quiet -r requirements-dev.txt
  touch "$stamp"
fi

py="$VENV/bin/python"
if compgen -G "locale/*/LC_MESSAGES/*.po" >/dev/null; then
  "$py" manage.py compilemessages --ignore="$(basename "$VENV")" --ignore=var \
    --ignore=node_modules --verbosity 0
fi
"$py" manage.py collectstatic --noinput --verbosity 0
