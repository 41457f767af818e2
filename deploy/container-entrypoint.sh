#!/bin/sh
# Turns each mounted secret file (compose secrets, a Kubernetes secret volume) into the environment
# variable of the same name, so secrets never sit in the image, the compose file or `docker inspect`.
# A variable already set wins. Then replaces itself with the command (node stays PID 1 for SIGTERM).
set -eu
SECRETS_DIR="${SECRETS_DIR:-/run/secrets}"
if [ -d "$SECRETS_DIR" ]; then
  for file in "$SECRETS_DIR"/*; do
    [ -f "$file" ] || continue
    name="$(basename "$file")"
    case "$name" in
      *[!A-Z0-9_]* | [0-9]*) continue ;;
    esac
    if eval "[ -z \"\${$name:-}\" ]"; then
      value="$(cat "$file")"
      export "$name=$value"
    fi
  done
fi
exec "$@"
