// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// UTF-8 validation following the Unicode table of well-formed byte sequences
// (Unicode 15, table 3-7): the lead byte fixes the length and narrows the range of the
// second byte, which is what rules out overlongs, surrogates and values past U+10FFFF.
#include "util/utf8.h"

bool moat__utf8_valid(const u8 *s, size_t len) {
    size_t i = 0;
    while (i < len) {
        u8 b = s[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        size_t n;                // continuation bytes
        u8 lo = 0x80, hi = 0xBF; // allowed range of the second byte
        if (b >= 0xC2 && b <= 0xDF) {
            n = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            n = 2;
            if (b == 0xE0)
                lo = 0xA0; // overlong below U+0800
            else if (b == 0xED)
                hi = 0x9F; // surrogates U+D800-U+DFFF
        } else if (b >= 0xF0 && b <= 0xF4) {
            n = 3;
            if (b == 0xF0)
                lo = 0x90; // overlong below U+10000
            else if (b == 0xF4)
                hi = 0x8F; // above U+10FFFF
        } else {
            return false; // continuation byte as lead, 0xC0/0xC1 overlong, 0xF5+
        }
        if (n > len - i - 1) return false;
        if (s[i + 1] < lo || s[i + 1] > hi) return false;
        for (size_t k = 2; k <= n; k++)
            if ((s[i + k] & 0xC0) != 0x80) return false;
        i += n + 1;
    }
    return true;
}
