#!/usr/bin/env bash
# Starts the web server, a Celery worker and beat together; stopping one (or Ctrl-C) stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

trap 'trap - EXIT INT TERM; kill 0 2>/dev/null || true' EXIT INT TERM

$BIN/gunicorn dairy_campaign.wsgi --bind "$HOST:$PORT" --workers "${WEB_WORKERS:-2}" \
  --access-logfile - --timeout 120 &
$BIN/celery -A dairy_campaign worker --loglevel INFO --concurrency "${CELERY_CONCURRENCY:-2}" &
$BIN/celery -A dairy_campaign beat --loglevel INFO &

echo
echo "Serving the demo campaign on http://$HOST:$PORT/  (web, Celery worker and beat; Ctrl-C stops all)"
wait -n
