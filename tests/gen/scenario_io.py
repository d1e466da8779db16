"""scenario_io.py - what the scenario generators share: writing one scenario's
log and its truth file (the format tests/gen/check_truth.py reads)."""
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
