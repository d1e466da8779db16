#!/usr/bin/env python3
"""check_truth.py - compares `dwell scan` alerts with a scenario's truth file.

  check_truth.py NAME ALERTS.jsonl TRUTH.json

Each truth alert must match one alert of the same kind with exactly the same
set of sources, users and compromised accounts; every alert must be matched
(nothing else may be alerted). Prints "ok scenario-NAME" or
"not ok scenario-NAME: <what differs>" and exits 0 either way.
"""
import json
import sys


def short(s, n=6):
    s = sorted(s)
    return "[" + ",".join(s[:n]) + (",...+%d" % (len(s) - n) if len(s) > n else "") + "]"


def main():
    name, alerts_path, truth_path = sys.argv[1:4]
    try:
        truth = json.load(open(truth_path))["alerts"]
        got = [json.loads(l) for l in open(alerts_path) if l.strip()]
    except (OSError, ValueError) as e:
        print("not ok scenario-%s: cannot read: %s" % (name, e))
        return 0
    problems = []
    for a in got:
        if a["sources_total"] != len(a["sources"]) or a["users_total"] != len(a["users"]):
            problems.append("%s lists cut (%d/%d sources)" % (a["kind"], len(a["sources"]),
                                                             a["sources_total"]))
    unmatched = list(range(len(got)))
    for t in truth:
        best, best_d = None, None
        for i in unmatched:
            a = got[i]
            if a["kind"] != t["kind"]:
                continue
            d = [(f, set(t[f]), set(a[f])) for f in ("sources", "users", "compromised")]
            nd = sum(len(x ^ y) for _, x, y in d)
            if best is None or nd < best_d[0]:
                best, best_d = i, (nd, d)
        if best is None:
            problems.append("missing %s %s users=%s" % (t["kind"], short(t["sources"], 3),
                                                        short(t["users"], 3)))
            continue
        unmatched.remove(best)
        for f, want, have in best_d[1]:
            if want != have:
                problems.append("%s %s: missing %s extra %s" % (t["kind"], f, short(want - have),
                                                               short(have - want)))
    for i in unmatched:
        a = got[i]
        problems.append("unexpected %s (%s) sources=%s users=%s compromised=%s" % (
            a["kind"], a["detector"], short(a["sources"], 3), short(a["users"], 3),
            short(a["compromised"], 3)))
    if problems:
        print("not ok scenario-%s: %s" % (name, "; ".join(problems)))
    else:
        print("ok scenario-%s (%d alerts)" % (name, len(got)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
