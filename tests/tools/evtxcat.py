#!/usr/bin/env python3
"""evtxcat.py - one large .evtx file made of the chunks of others, for the
benchmark (bench/bench.sh) and the thread tests (tests/cli/evtx_threads.sh).

    evtxcat.py OUT MB FILE.evtx...

Takes every 64 KiB chunk slot that starts with the chunk magic ("ElfChnk\0";
empty and damaged slots are left out) from the FILEs, in order, and repeats
that sequence (or takes its start) until OUT holds N = ceil(MB * 10^6 /
65536) chunks, behind the file header of the first FILE rewritten for the
new file: first chunk 0, last chunk N-1, chunk count N (N < 65536, so at
most ~4.2 GB), and its CRC32. The chunks are copied unchanged (their record numbers repeat,
which no reader checks across chunks). MB 0 means one copy of each chunk.
"""
import struct
import sys
import zlib

CHUNK = 65536
HDR = 4096


def chunks(path):
    b = open(path, "rb").read()
    base = 0 if b[:8] == b"ElfChnk\0" else HDR
    for off in range(base, len(b) - CHUNK + 1, CHUNK):
        if b[off:off + 8] == b"ElfChnk\0":
            yield b[off:off + CHUNK]


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: evtxcat.py OUT MB FILE.evtx...")
    out, mb, files = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
    one = [c for f in files for c in chunks(f)]
    if not one:
        sys.exit("evtxcat: no chunks in the inputs")
    n = max(1, -(-int(mb * 1e6) // CHUNK)) if mb > 0 else len(one)
    if n >= 65536:
        sys.exit("evtxcat: at most 65535 chunks")
    hdr = bytearray(open(files[0], "rb").read(HDR))
    if hdr[:8] != b"ElfFile\0":
        sys.exit("evtxcat: %s has no file header" % files[0])
    struct.pack_into("<QQ", hdr, 8, 0, n - 1)
    struct.pack_into("<H", hdr, 42, n)
    struct.pack_into("<I", hdr, 124, zlib.crc32(bytes(hdr[:120])) & 0xFFFFFFFF)
    with open(out, "wb") as f:
        f.write(hdr)
        for i in range(n):
            f.write(one[i % len(one)])


if __name__ == "__main__":
    main()
