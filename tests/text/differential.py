#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Differential test of the text parser: every `(module ...)` of the spec scripts that
# wabt's wat2wasm accepts must give the same module from `moat wat2wasm`: the same bytes
# once custom sections (the name section) are dropped from both.
# usage: differential.py MOAT SPEC_CORE_DIR [WORK_DIR]. Exit 77 (skip) without wat2wasm.
import os, shutil, subprocess, sys, tempfile

def modules(text):
    """Yields (line, source) of each top-level-command `(module ...)` that is text (not
    binary/quote), including those inside assertions, found by paren matching that
    respects strings and comments."""
    i, n, line = 0, len(text), 1
    depth, starts = 0, []
    while i < n:
        c = text[i]
        if c == '\n':
            line += 1
        if c == ';' and text.startswith(';;', i):
            j = text.find('\n', i)
            i = n if j < 0 else j
            continue
        if text.startswith('(;', i):
            d = 0
            while i < n:
                if text.startswith('(;', i): d += 1; i += 2
                elif text.startswith(';)', i): d -= 1; i += 2
                else:
                    if text[i] == '\n': line += 1
                    i += 1
                if d == 0: break
            continue
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == '\\' else 1
        elif c == '(':
            starts.append((i, line))
            depth += 1
        elif c == ')':
            depth -= 1
            s, l = starts.pop()
            src = text[s:i + 1]
            if src.startswith('(module') and not any(
                    src[7:].lstrip().split(None, 2)[k:k + 1] in (['binary'], ['quote'], ['definition'], ['instance'])
                    for k in (0, 1)):
                yield l, src
        i += 1

def strip_custom(b):
    out, i = bytearray(b[:8]), 8
    while i < len(b):
        sid = b[i]; i += 1
        size = shift = 0
        while True:
            x = b[i]; i += 1
            size |= (x & 0x7f) << shift; shift += 7
            if not x & 0x80: break
        if sid != 0:
            out.append(sid)
            v = size
            while True:
                x = v & 0x7f; v >>= 7
                out.append(x | (0x80 if v else 0))
                if not v: break
            out += b[i:i + size]
        i += size
    return bytes(out)

def main():
    moat, core = sys.argv[1], sys.argv[2]
    wat2wasm = shutil.which('wat2wasm')
    if not wat2wasm:
        print('skipped: wat2wasm (wabt) is not installed')
        return 77
    work = sys.argv[3] if len(sys.argv) > 3 else tempfile.mkdtemp()
    os.makedirs(work, exist_ok=True)
    same = differ = wabt_refused = 0
    for name in sorted(os.listdir(core)):
        if not name.endswith('.wast'): continue
        text = open(os.path.join(core, name), encoding='utf-8', errors='surrogateescape').read()
        for line, src in modules(text):
            wat = os.path.join(work, 'm.wat')
            with open(wat, 'w', encoding='utf-8', errors='surrogateescape') as f: f.write(src)
            w = subprocess.run([wat2wasm, wat, '-o', os.path.join(work, 'w.wasm')], capture_output=True)
            if w.returncode != 0:
                wabt_refused += 1
                continue
            m = subprocess.run([moat, 'wat2wasm', wat, '-o', os.path.join(work, 'm.wasm')], capture_output=True, text=True)
            ok = m.returncode == 0
            if ok:
                a = strip_custom(open(os.path.join(work, 'w.wasm'), 'rb').read())
                b = strip_custom(open(os.path.join(work, 'm.wasm'), 'rb').read())
                ok = a == b
            if ok:
                same += 1
            else:
                differ += 1
                print('%s:%d: differs from wat2wasm%s' % (name, line, (': ' + m.stderr.strip()) if m.returncode else ''))
    print('%d modules identical to wat2wasm, %d differ (%d refused by wat2wasm, not compared)' % (same, differ, wabt_refused))
    return 1 if differ else 0

sys.exit(main())
