#!/usr/bin/env bash
# How long a backtest takes on a week of handbook traffic (issue 15): against a running node (ops/run.sh), replays
# the handbook from 2018-07-01 to 2018-07-15 with every label (genuine ones too) fed back 7 days late (applied once a
# minute of event time), so that the first week's decisions are all labelled, then backtests two rules, a score
# adjustment and a thresholds change on that week (2018-07-01 .. 2018-07-08) and prints each answer with its time.
# --skip-replay true: the week is already recorded.
#   ops/backtest-week.sh [--url http://127.0.0.1:8080] [--skip-replay false]
set -euo pipefail
cd "$(dirname "$0")/.."
url=http://127.0.0.1:8080
skip=false
while [ $# -gt 0 ]; do
  case "$1" in
    --url) url=$2; shift 2 ;;
    --skip-replay) skip=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ "$skip" != "true" ]; then
  ops/replay.sh --url "$url" --from 2018-07-01 --to 2018-07-15 --label-delay-days 7 --genuine-labels true \
    --label-every-seconds 60 --prefix bw \
    | tr '\r' '\n' | grep -v '^\[' || true
fi
key="Authorization: Bearer ${FRAUD_RISK_KEY:-$(cat var/keys/risk.key)}"
range='"from":"2018-07-01T00:00:00Z","to":"2018-07-08T00:00:00Z"'
for candidate in \
  '"rule":{"expression":"tx.amount > 200.0 && features.card_count_1d >= 3.0","action":"REVIEW","reasonCode":"BIG_BUSY_CARD"}' \
  '"rule":{"expression":"features.terminal_risk_7d > 0.2 || features.card_amount_to_avg_30d > 4.0","action":"DECLINE","reasonCode":"TERM_RISK"}' \
  '"rule":{"expression":"tx.amount > 220.0","action":"NONE","scoreAdjustment":0.5,"reasonCode":"OVER_220"}' \
  '"thresholds":{"review":0.2,"decline":0.6}'; do
  echo "backtest {$range,$candidate}"
  start=$(date +%s%N)
  curl -sS -X POST "$url/v1/rules/backtest" -H "$key" -H 'Content-Type: application/json' -d "{$range,$candidate}"
  echo
  echo "  answered in $(( ($(date +%s%N) - start) / 1000000 )) ms"
done
