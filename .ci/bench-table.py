#!/usr/bin/env python3
"""`make bench`'s closing table: every `BENCH {json}` line the benchmarks printed (in the log
given), as one table of figure, budget and ratio, in the order DESIGN.md lists the budgets.
A line is {"what", "figure", "unit", "budget" (null when none applies), "note"}. Reports only:
a figure over budget is marked OVER, never an error. Budgets with no line are listed as not
measured, so a missing benchmark shows."""
import json
import sys

# DESIGN.md's budgets, by the start of the `what` of the lines that measure them.
EXPECTED = [
    "first load",
    "whole precache",
    "cold start",
    "tap to a case page",
    "local write",
    "10,000 queued mutations drained",
    "parts search",
    "server",
]


def fmt(x, unit):
    if unit == "B":
        return f"{x / 1024:,.0f} KB"
    if unit == "ms" and x >= 10_000:
        return f"{x / 1000:.1f} s"
    if unit == "ms":
        return f"{x:.1f} ms" if x < 100 else f"{x:,.0f} ms"
    if unit == "×":
        return f"{x:.2f}×"
    return f"{x:g} {unit}".strip()


def main():
    rows = []
    with open(sys.argv[1], encoding="utf-8", errors="replace") as log:
        for line in log:
            at = line.find("BENCH {")
            if at >= 0:
                rows.append(json.loads(line[at + len("BENCH "):]))
    order = {w: i for i, w in enumerate(EXPECTED)}
    rank = lambda r: next((i for w, i in order.items() if r["what"].startswith(w)), len(order))
    rows.sort(key=rank)
    print("\n| what | figure | budget | ratio | |")
    print("| --- | --- | --- | --- | --- |")
    for r in rows:
        budget = r.get("budget")
        if budget is None:
            b, ratio, verdict = "–", "–", ""
        else:
            b = fmt(budget, r["unit"])
            ratio = f"{r['figure'] / budget:.2f}" if budget else "–"
            verdict = "within" if r["figure"] <= budget else "OVER"
        note = r.get("note") or ""
        print(f"| {r['what']} | {fmt(r['figure'], r['unit'])} | {b} | {ratio} | {verdict} {note} |")
    for w in EXPECTED:
        if not any(r["what"].startswith(w) for r in rows):
            print(f"| {w} | not measured | | | |")


main()
