#!/usr/bin/env python3
"""Write each character vector of an R package's lazy-load data
(data/Rdata.rdx + .rdb) to NAME.txt, one element a line.

Used by test-deps.sh for Jane Austen's novels (Debian's r-cran-janeaustenr),
the literary English de-hyphenation set. Needs the `rdata` package (pip).
usage: rdata-texts.py PACKAGE_DIR OUT_DIR
"""
import gzip
import os
import sys
import warnings
import zlib

import rdata


def main(pkg, out):
    # (rdata warns that the index has no file header: it is a bare RDS.)
    warnings.filterwarnings("ignore")
    data = os.path.join(pkg, "data")
    # The index is gzip'd; each object in the database is a 4-byte length
    # then zlib data, at the offset and length the index gives.
    index = rdata.conversion.convert(rdata.parser.parse_data(gzip.decompress(open(os.path.join(data, "Rdata.rdx"), "rb").read())))
    db = open(os.path.join(data, "Rdata.rdb"), "rb").read()
    os.makedirs(out, exist_ok=True)
    for name, (offset, length) in index["variables"].items():
        blob = db[int(offset):int(offset) + int(length)]
        value = rdata.conversion.convert(rdata.parser.parse_data(zlib.decompress(blob[4:])))
        lines = list(value)
        if lines and all(isinstance(line, str) or line is None for line in lines):
            with open(os.path.join(out, f"{name}.txt"), "w", encoding="utf-8") as f:
                f.write("\n".join(line or "" for line in lines) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
