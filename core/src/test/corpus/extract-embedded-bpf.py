#!/usr/bin/env python3
"""Copies out the BPF objects that a program or shared library carries inside itself (libbpf skeletons embed each
tool's .bpf.o as bytes): every little-endian ELF64 image with e_machine EM_BPF, its length taken from its header
(section headers come last: e_shoff + e_shnum * e_shentsize).

  extract-embedded-bpf.py OUTPUT_DIRECTORY PREFIX FILE   writes PREFIX.bpf.o (PREFIX.N.bpf.o when FILE holds more
                                                         than one) and prints the names written, one a line"""
import os
import struct
import sys

EM_BPF = 247


def embedded_objects(data):
    start = data.find(b"\x7fELF", 1)  # from 1: the file itself is an ELF executable, not a BPF object
    while start >= 0:
        header = data[start:start + 64]
        # ELFCLASS64, ELFDATA2LSB, e_machine EM_BPF
        if len(header) == 64 and header[4] == 2 and header[5] == 1 and struct.unpack_from("<H", header, 18)[0] == EM_BPF:
            section_headers, = struct.unpack_from("<Q", header, 40)
            entry_size, count = struct.unpack_from("<HH", header, 58)
            end = start + section_headers + count * entry_size
            if end <= len(data):
                yield data[start:end]
        start = data.find(b"\x7fELF", start + 1)


def main():
    output, prefix, path = sys.argv[1:4]
    with open(path, "rb") as f:
        objects = list(embedded_objects(f.read()))
    for index, image in enumerate(objects, 1):
        name = f"{prefix}.bpf.o" if len(objects) == 1 else f"{prefix}.{index}.bpf.o"
        with open(os.path.join(output, name), "wb") as f:
            f.write(image)
        print(name)


if __name__ == "__main__":
    main()
