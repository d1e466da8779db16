"""scenario_io.py - what the scenario generators share: their command line,
and writing one scenario's log and its truth file (the format
tests/gen/check_truth.py reads)."""
import argparse
import json
import random


def write(scenarios, name, seed, out):
    """Runs scenarios[name][0] with a generator seeded by (name, seed), writes
    the log to out and the truth to out + ".truth.json"; returns the lines."""
    rnd = random.Random("%s/%d" % (name, seed))
    log, truth = scenarios[name][0](rnd)
    n = log.write(out)
    with open(out + ".truth.json", "w") as f:
        json.dump({"scenario": name, "doc": scenarios[name][1], "lines": n,
                   "alerts": truth}, f, indent=1, sort_keys=True)
        f.write("\n")
    return n


def main(doc, scenarios, width, extra=None):
    """The generators' command line: --list, --scenario NAME --seed N --out FILE.
    extra(ap) may add options; it returns a function that, given the parsed
    arguments, handles them and returns True when it wrote the output itself."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--list", action="store_true", help="list the scenarios")
    ap.add_argument("--scenario", help="scenario to write")
    ap.add_argument("--out", help="output log (truth goes to OUT.truth.json)")
    ap.add_argument("--seed", type=int, default=42)
    handle = extra(ap) if extra else None
    a = ap.parse_args()
    if a.list:
        for name in scenarios:
            print("%-*s %s" % (width, name, scenarios[name][1]))
        return 0
    if not a.out:
        ap.error("--out is required")
    if handle and handle(a):
        return 0
    if a.scenario not in scenarios:
        ap.error("unknown scenario %r (see --list)" % a.scenario)
    write(scenarios, a.scenario, a.seed, a.out)
    return 0
