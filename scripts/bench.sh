#!/usr/bin/env bash
# `make bench`: the province-scale benchmarks of issue #8 on PostgreSQL and Redis.
# Creates the bench database when missing, loads the province once (generate_province is a
# no-op when the data is there), then measures everything in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DATABASE_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/dairy_bench}
export REDIS_URL=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/2}
SCALE=${BENCH_SCALE:-1.0}

database=${DATABASE_URL##*/}
server=${DATABASE_URL%/*}/postgres
if ! psql "$server" -tAc "SELECT 1 FROM pg_database WHERE datname='$database'" | grep -q 1; then
  psql "$server" -c "CREATE DATABASE \"$database\""
fi
$BIN/python manage.py migrate --no-input --verbosity 0
$BIN/python manage.py generate_province --scale "$SCALE"
# The bench's own Redis database: drop the e-mail tasks earlier runs queued with no worker.
$BIN/python -c "import redis, os; redis.Redis.from_url(os.environ['REDIS_URL']).flushdb()"
$BIN/python -m bench "$@"
