# Shell helpers shared by scripts/setup.sh and .ci/run. Source it; do not run it.

say() {
  if [ -t 2 ]; then printf '\033[1m==> %s\033[0m\n' "$*" >&2; else printf '==> %s\n' "$*" >&2; fi
}

# Debian packages from the list that are not installed yet.
debian_missing() {
  local pkg missing=()
  for pkg in "$@"; do
    if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]; then
      missing+=("$pkg")
    fi
  done
  echo "${missing[@]:-}"
}

# Installs the missing packages when we are root on a Debian-like system; otherwise
# names them and carries on (the tests that need them skip, or fail under CI).
# `apt-get update` runs at most once per run, however many times this is called.
apt_install_missing() {
  command -v dpkg-query >/dev/null 2>&1 || { say "not a Debian system: install $* yourself"; return 0; }
  local missing
  missing=$(debian_missing "$@")
  [ -n "$missing" ] || return 0
  if [ "$(id -u)" -ne 0 ] || [ "${SKIP_APT:-0}" = "1" ]; then
    say "missing Debian packages (not root, or SKIP_APT=1): sudo apt-get install $missing"
    return 0
  fi
  say "installing Debian packages: $missing"
  export DEBIAN_FRONTEND=noninteractive
  if [ "${SAFETYZONE_APT_UPDATED:-0}" != "1" ]; then
    apt-get update -qq
    export SAFETYZONE_APT_UPDATED=1
  fi
  # shellcheck disable=SC2086 # word splitting of the package list is wanted
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
}
