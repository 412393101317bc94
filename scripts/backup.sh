#!/usr/bin/env bash
# Back up the PostgreSQL database named by DATABASE_URL (pg_dump, custom format: compressed,
# restored with pg_restore) into var/backups/ (BACKUP_DIR), as
#   <database>-<UTC time>.dump  and its checksum  <database>-<UTC time>.dump.sha256
# The dump is written under a temporary name and renamed only when complete, so a backup
# file that exists is whole. Backups hold personal data (informants): readable by the owner only.
#
#   make backup                      # or: DATABASE_URL=postgres://... scripts/backup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "backup: $*" >&2; exit 1; }

# DATABASE_URL from the environment, else from the local .env the settings also read.
if [ -z "${DATABASE_URL:-}" ] && [ -f .env ]; then
  DATABASE_URL=$(sed -n 's/^DATABASE_URL=//p' .env | tail -n 1)
fi
[ -n "${DATABASE_URL:-}" ] || fail "DATABASE_URL is not set (e.g. postgres://user@host:5432/dairy)."
case "$DATABASE_URL" in
  postgres://* | postgresql://* | pgsql://* | psql://*) ;;
  *) fail "DATABASE_URL is not a PostgreSQL database; the embedded SQLite file (db.sqlite3) is copied while the services are stopped." ;;
esac
command -v pg_dump >/dev/null || fail "pg_dump is not installed (Debian: apt-get install postgresql-client)."

# libpq understands postgres:// and postgresql:// only.
URL="postgresql://${DATABASE_URL#*://}"
WITHOUT_QUERY="${URL%%\?*}"
DATABASE="${WITHOUT_QUERY##*/}"
[ -n "$DATABASE" ] || fail "DATABASE_URL names no database."

BACKUP_DIR="${BACKUP_DIR:-var/backups}"
umask 077
mkdir -p "$BACKUP_DIR"
NAME="$DATABASE-$(date -u +%Y%m%dT%H%M%SZ).dump"
TARGET="$BACKUP_DIR/$NAME"
[ ! -e "$TARGET" ] || fail "$TARGET already exists; wait a second and run again."
PARTIAL="$TARGET.partial"
trap 'rm -f "$PARTIAL"' EXIT

pg_dump --format=custom --no-owner --no-privileges --file="$PARTIAL" "$URL" \
  || fail "pg_dump failed; no backup was written."
mv "$PARTIAL" "$TARGET"
(cd "$BACKUP_DIR" && sha256sum "$NAME" >"$NAME.sha256")

echo "Backed up $DATABASE to $TARGET ($(du -h "$TARGET" | cut -f1)); checksum in $TARGET.sha256"
