#!/usr/bin/env bash
# Fills data/handbook/transactions.csv.gz (see data/handbook/README.md): a copy of ../shared/data/handbook/ when
# it exists beside this checkout, else the handbook's daily pickles from its public repository, converted to CSV.
#   ops/get-handbook.sh     FRAUD_HANDBOOK_RAW=DIR: convert the .pkl files already in DIR (no download);
#                           FRAUD_HANDBOOK_FIRST/LAST: other days than 2018-04-01..2018-08-14
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=data/handbook/transactions.csv.gz
REPO=https://github.com/Fraud-Detection-Handbook/simulated-data-raw
FIRST=${FRAUD_HANDBOOK_FIRST:-2018-04-01}
LAST=${FRAUD_HANDBOOK_LAST:-2018-08-14}
if [ -s "$OUT" ]; then echo "$OUT is already there"; exit 0; fi
mkdir -p data/handbook
if [ -s ../shared/data/handbook/transactions.csv.gz ]; then
  cp ../shared/data/handbook/transactions.csv.gz "$OUT.tmp" && mv "$OUT.tmp" "$OUT"
  echo "copied ../shared/data/handbook/transactions.csv.gz to $OUT"
  exit 0
fi
# pandas reads the book's pickles; Debian's package goes with Debian's python3
PY=/usr/bin/python3
if ! "$PY" -c 'import pandas' 2>/dev/null; then
  echo "installing python3-pandas from the OS packages ..." >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pandas) >/dev/null
fi
RAW=${FRAUD_HANDBOOK_RAW:-var/handbook-raw}
if [ -z "${FRAUD_HANDBOOK_RAW:-}" ]; then
  mkdir -p "$RAW"
  echo "downloading the daily files $FIRST..$LAST from $REPO ..." >&2
  d=$FIRST
  while [[ "$d" < "$LAST" || "$d" == "$LAST" ]]; do
    [ -s "$RAW/$d.pkl" ] || curl -fsSL --retry 3 -o "$RAW/$d.pkl.tmp" "$REPO/raw/main/data/$d.pkl" \
      && mv "$RAW/$d.pkl.tmp" "$RAW/$d.pkl" 2>/dev/null || true
    [ -s "$RAW/$d.pkl" ] || { echo "could not download $REPO/raw/main/data/$d.pkl; is github.com reachable?" >&2; exit 1; }
    d=$(date -u -d "$d + 1 day" +%F)
  done
fi
"$PY" ops/handbook_to_csv.py "$RAW" "$FIRST" "$LAST" "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "wrote $OUT"
