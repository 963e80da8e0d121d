"""Converts the Fraud Detection Handbook's daily pickles (simulated-data-raw/data/YYYY-MM-DD.pkl, pandas
DataFrames) into the one gzipped CSV the project's tools read, in time order with ISO timestamps.

    python3 ops/handbook_to_csv.py RAW_DIR FIRST_DAY LAST_DAY OUT.csv.gz
"""
import gzip
import sys
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

COLUMNS = ["TRANSACTION_ID", "TX_DATETIME", "CUSTOMER_ID", "TERMINAL_ID", "TX_AMOUNT",
           "TX_TIME_SECONDS", "TX_TIME_DAYS", "TX_FRAUD", "TX_FRAUD_SCENARIO"]


def main(raw, first, last, out):
    days = []
    d = date.fromisoformat(first)
    while d <= date.fromisoformat(last):
        days.append(pd.read_pickle(Path(raw) / f"{d.isoformat()}.pkl"))
        d += timedelta(days=1)
    df = pd.concat(days, ignore_index=True).sort_values(["TX_DATETIME", "TRANSACTION_ID"])
    df["TX_DATETIME"] = pd.to_datetime(df["TX_DATETIME"]).dt.strftime("%Y-%m-%dT%H:%M:%S")
    with gzip.open(out, "wt", encoding="ascii", newline="") as f:
        df[COLUMNS].to_csv(f, index=False, lineterminator="\n")
    frauds = int(df["TX_FRAUD"].sum())
    print(f"{len(df):,} transactions, {frauds:,} frauds, {first}..{last} -> {out}")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
