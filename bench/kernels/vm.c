// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// A small bytecode interpreter: a switch-heavy dispatch loop, like a scripting VM's.
#include <stdint.h>
#include <stdio.h>

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, XOR, SHR, AND, LT, JZ, JMP, DUP, POP, HALT };

// Program: acc = 0; for (i = n; i; i--) { t = acc * 31 + i; acc = t ^ (t >> 7); if (i & 1) acc +=
// 5; }
static const int32_t prog[] = {
    PUSH, 0,    STORE, 0,                        // 0: acc = 0
    LOAD, 1,    JZ,    46,                       // 4: while (i)
    LOAD, 0,    PUSH,  31,  MUL, LOAD,  1,  ADD, // 8: t = acc * 31 + i
    DUP,  PUSH, 7,     SHR, XOR, STORE, 0,       // 16: acc = t ^ (t >> 7)
    LOAD, 1,    PUSH,  1,   AND, JZ,    37,      // 23: if (i & 1)
    LOAD, 0,    PUSH,  5,   ADD, STORE, 0,       // 30:   acc += 5
    LOAD, 1,    PUSH,  1,   SUB, STORE, 1,       // 37: i--
    JMP,  4,                                     // 44
    LOAD, 0,    HALT,                            // 46: return acc
};

static int32_t run(const int32_t *code, int32_t n) {
    int32_t stack[64], vars[4] = {0, n, 0, 0};
    int sp = 0, pc = 0;
    for (;;) {
        switch (code[pc++]) {
        case PUSH:
            stack[sp++] = code[pc++];
            break;
        case LOAD:
            stack[sp++] = vars[code[pc++]];
            break;
        case STORE:
            vars[code[pc++]] = stack[--sp];
            break;
        case ADD:
            sp--, stack[sp - 1] += stack[sp];
            break;
        case SUB:
            sp--, stack[sp - 1] -= stack[sp];
            break;
        case MUL:
            sp--, stack[sp - 1] *= stack[sp];
            break;
        case XOR:
            sp--, stack[sp - 1] ^= stack[sp];
            break;
        case SHR:
            sp--, stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] >> stack[sp]);
            break;
        case AND:
            sp--, stack[sp - 1] &= stack[sp];
            break;
        case LT:
            sp--, stack[sp - 1] = stack[sp - 1] < stack[sp];
            break;
        case JZ:
            pc = stack[--sp] ? pc + 1 : code[pc];
            break;
        case JMP:
            pc = code[pc];
            break;
        case DUP:
            stack[sp] = stack[sp - 1], sp++;
            break;
        case POP:
            sp--;
            break;
        case HALT:
            return stack[sp - 1];
        default:
            return -1;
        }
    }
}

int main(void) {
    // A copy in writable memory, as a VM's loaded code would be.
    int32_t code[sizeof prog / sizeof *prog];
    for (unsigned i = 0; i < sizeof prog / sizeof *prog; i++)
        code[i] = prog[i];
    volatile int32_t n = 1000000;
    uint32_t total = 0;
    for (int r = 0; r < 2; r++)
        total += (uint32_t)run(code, n + r);
    printf("vm: %u\n", total);
    return 0;
}
