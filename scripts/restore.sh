#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the PostgreSQL database named by
# DATABASE_URL, created fresh when it does not exist.
#
#   scripts/restore.sh var/backups/dairy-20261230T120000Z.dump
#   make restore FILE=var/backups/dairy-20261230T120000Z.dump [FORCE=1]
#
# The file's SHA-256 must match its .sha256 sidecar. A database that already holds tables
# is refused unless --force is given: the backup is then restored beside it and replaces it
# once complete (stop the web server and the Celery worker and beat first). Each restore is
# one transaction: all or nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "restore: $*" >&2; exit 1; }
usage() { echo "usage: $0 [--force] BACKUP_FILE" >&2; exit 64; }

FORCE=0
FILE=""
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h | --help) usage ;;
    -*) usage ;;
    *) [ -z "$FILE" ] || usage; FILE="$arg" ;;
  esac
done
[ -n "$FILE" ] || usage
[ -f "$FILE" ] || fail "$FILE does not exist."
[ -f "$FILE.sha256" ] || fail "$FILE.sha256 is missing; without it the backup cannot be checked."
EXPECTED=$(cut -d' ' -f1 "$FILE.sha256")
ACTUAL=$(sha256sum "$FILE" | cut -d' ' -f1)
[ "$ACTUAL" = "$EXPECTED" ] \
  || fail "$FILE does not match its checksum ($FILE.sha256): it is damaged or not the file backed up. Nothing was changed."

if [ -z "${DATABASE_URL:-}" ] && [ -f .env ]; then
  DATABASE_URL=$(sed -n 's/^DATABASE_URL=//p' .env | tail -n 1)
fi
[ -n "${DATABASE_URL:-}" ] || fail "DATABASE_URL is not set (the database to restore into)."
case "$DATABASE_URL" in
  postgres://* | postgresql://* | pgsql://* | psql://*) ;;
  *) fail "DATABASE_URL is not a PostgreSQL database." ;;
esac
for tool in psql pg_restore; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (Debian: apt-get install postgresql-client)."
done

# postgresql://user@host:port/<database>?<options>: the same server's maintenance database
# creates and drops the target.
URL="postgresql://${DATABASE_URL#*://}"
QUERY=""
case "$URL" in *\?*) QUERY="?${URL#*\?}" ;; esac
WITHOUT_QUERY="${URL%%\?*}"
DATABASE="${WITHOUT_QUERY##*/}"
[ -n "$DATABASE" ] || fail "DATABASE_URL names no database."
MAINTENANCE_URL="${WITHOUT_QUERY%/*}/${MAINTENANCE_DB:-postgres}$QUERY"

# Variables are interpolated by psql in commands read from standard input, safely quoted.
on_server() {
  PGOPTIONS="-c client_min_messages=warning" psql -X -q -tA -v ON_ERROR_STOP=1 -v db="$1" -v target="$DATABASE" \
    -d "$MAINTENANCE_URL"
}
url_of() { echo "${WITHOUT_QUERY%/*}/$1$QUERY"; }
count_tables() { psql -X -tA -v ON_ERROR_STOP=1 -d "$(url_of "$1")" -c \
  "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"; }

# Into a database of its own, created here and dropped again if the restore fails.
restore_into() {
  echo 'CREATE DATABASE :"db";' | on_server "$1" || fail "could not create database $1."
  if ! pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$(url_of "$1")" "$FILE"; then
    echo 'DROP DATABASE :"db";' | on_server "$1" || true
    fail "pg_restore failed; nothing was changed."
  fi
}

EXISTS=$(echo "SELECT count(*) FROM pg_database WHERE datname = :'db';" | on_server "$DATABASE") \
  || fail "cannot reach the PostgreSQL server of DATABASE_URL."
if [ "$EXISTS" = "0" ]; then
  restore_into "$DATABASE"
else
  TABLES=$(count_tables "$DATABASE")
  if [ "$TABLES" = "0" ]; then
    pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$URL" "$FILE" \
      || fail "pg_restore failed; the restore was rolled back and $DATABASE is left empty."
  else
    [ "$FORCE" = "1" ] || fail "database $DATABASE already holds $TABLES tables; nothing was changed. Restore into a new database (set DATABASE_URL), or give --force (make restore ... FORCE=1) to replace it with the backup."
    # The old database is replaced only once the backup has been restored in full beside it.
    STAGING="${DATABASE}_restoring"
    echo "DROP DATABASE IF EXISTS :\"db\";" | on_server "$STAGING"
    restore_into "$STAGING"
    echo "Replacing database $DATABASE ($TABLES tables), as --force asks."
    printf '%s\n' 'DROP DATABASE :"target";' 'ALTER DATABASE :"db" RENAME TO :"target";' | on_server "$STAGING" \
      || fail "could not replace $DATABASE (stop the web server and the Celery worker and beat first); the backup is restored in $STAGING."
  fi
fi
echo "Restored $FILE into $DATABASE ($(count_tables "$DATABASE") tables)."
