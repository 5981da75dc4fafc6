#!/usr/bin/env python3
"""Draws a softkvm --timeline trace-event JSON as a static SVG: one row per vCPU track with its
running/halted spans, hypercall instants and wake-up flow arrows, over a window of time.
usage: timeline_svg.py TIMELINE.json OUT.svg [--from US] [--to US] [--around-first NAME]"""
import argparse
import json
from html import escape

COLORS = {"running": "#5cb85c", "halted": "#c8c8c8"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("timeline")
    ap.add_argument("out")
    ap.add_argument("--from", dest="t0", type=float)
    ap.add_argument("--to", dest="t1", type=float)
    ap.add_argument("--around-first", help="window starting just before the first event NAME")
    ap.add_argument("--width-us", type=float, default=40.0)
    a = ap.parse_args()
    ev = json.load(open(a.timeline))["traceEvents"]
    names = {e["tid"]: e["args"]["name"] for e in ev
             if e.get("ph") == "M" and e["name"] == "thread_name"}
    tids = sorted(names)
    t0, t1 = a.t0, a.t1
    if a.around_first:
        first = min(e["ts"] for e in ev if e.get("ph") == "i" and e["name"] == a.around_first)
        t0 = first - a.width_us * 0.1
        t1 = t0 + a.width_us
    if t0 is None:
        t0 = min(e["ts"] for e in ev if "ts" in e)
    if t1 is None:
        t1 = max(e["ts"] + e.get("dur", 0) for e in ev if "ts" in e)
    left, right, top, row, gap = 90, 20, 40, 34, 14
    width = 1100
    plot = width - left - right
    height = top + len(tids) * (row + gap) + 50

    def x(t):
        return left + (min(max(t, t0), t1) - t0) / (t1 - t0) * plot

    def y(tid):
        return top + tids.index(tid) * (row + gap)

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="12">' % (width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="20" font-size="14">softkvm timeline: %s, %.3f-%.3f virtual us</text>'
           % (left, escape(a.timeline.split("/")[-1]), t0, t1),
           '<defs><marker id="arrow" markerWidth="8" markerHeight="8" refX="7" refY="4" '
           'orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#1f4fbf"/></marker></defs>']
    for tid in tids:
        out.append('<text x="8" y="%d">%s</text>' % (y(tid) + row / 2 + 4, escape(names[tid])))
        out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="#f4f4f4"/>'
                   % (left, y(tid), plot, row))
    for e in ev:
        if e.get("ph") == "X" and e["ts"] < t1 and e["ts"] + e["dur"] > t0:
            x0, x1 = x(e["ts"]), x(e["ts"] + e["dur"])
            out.append('<rect x="%.2f" y="%d" width="%.2f" height="%d" fill="%s"/>'
                       % (x0, y(e["tid"]) + 4, max(x1 - x0, 0.5), row - 8, COLORS[e["name"]]))
    for e in ev:
        if e.get("ph") == "i" and e.get("cat") == "hypercall" and t0 <= e["ts"] <= t1:
            xx = x(e["ts"])
            out.append('<line x1="%.2f" x2="%.2f" y1="%d" y2="%d" stroke="#d9302c" '
                       'stroke-width="2"/>' % (xx, xx, y(e["tid"]), y(e["tid"]) + row))
            out.append('<text x="%.2f" y="%d" fill="#d9302c" font-size="10">%s(%s)</text>'
                       % (xx + 2, y(e["tid"]) - 2, escape(e["name"]),
                          escape(",".join(e["args"].get("args", [])[:2]))))
    starts = {e["id"]: e for e in ev if e.get("ph") == "s"}
    for e in ev:
        if e.get("ph") == "f" and e["id"] in starts and t0 <= e["ts"] <= t1:
            s = starts[e["id"]]
            out.append('<line x1="%.2f" y1="%d" x2="%.2f" y2="%d" stroke="#1f4fbf" '
                       'stroke-width="1.5" marker-end="url(#arrow)"/>'
                       % (x(s["ts"]), y(s["tid"]) + row / 2, x(e["ts"]) + 0.01,
                          y(e["tid"]) + row / 2))
    axis = top + len(tids) * (row + gap)
    for i in range(11):
        t = t0 + (t1 - t0) * i / 10
        out.append('<line x1="%.2f" x2="%.2f" y1="%d" y2="%d" stroke="#888"/>'
                   % (x(t), x(t), axis - gap, axis - gap + 5))
        out.append('<text x="%.2f" y="%d" text-anchor="middle" font-size="10">%.1f us</text>'
                   % (x(t), axis + 6, t))
    lx = left
    for label, color in (("running", COLORS["running"]), ("halted", COLORS["halted"]),
                         ("hypercall", "#d9302c"), ("wake-up flow", "#1f4fbf")):
        out.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/>'
                   % (lx, axis + 20, color))
        out.append('<text x="%d" y="%d">%s</text>' % (lx + 16, axis + 30, label))
        lx += 130
    out.append("</svg>")
    with open(a.out, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
