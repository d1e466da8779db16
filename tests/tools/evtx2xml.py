#!/usr/bin/python3
"""evtx2xml.py - renders a .evtx file as single-line XML records (one <Event>
per line), with Debian's python3-evtx, so that the Windows XML parser can be
tested on the real attack files of ../shared/data/evtx next to dwell's own
.evtx decoder. Line breaks between elements are dropped; those inside a
value (SQL Server's audit blob) become "&#10;", as single-line exporters
write them. Records python-evtx cannot render are skipped and counted on
stderr.

  evtx2xml.py FILE.evtx > FILE.xml
"""
import re
import sys

import Evtx.Evtx as evtx


def main():
    bad = 0
    with evtx.Evtx(sys.argv[1]) as log:
        out = sys.stdout
        for rec in log.records():
            try:
                xml = rec.xml()
            except Exception:  # a record python-evtx cannot render
                bad += 1
                continue
            xml = re.sub(r"\r?\n\s*(?=<)", "", xml).replace("\r", "")
            out.write(xml.replace("\n", "&#10;") + "\n")
    if bad:
        print("evtx2xml: %d records skipped" % bad, file=sys.stderr)


if __name__ == "__main__":
    main()
