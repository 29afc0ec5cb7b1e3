/*
 * x86 arithmetic flags and the ALU group: the C flag functions
 * (x86_flags.c) against values worked out from the SDM, and short
 * instruction sequences run on a bare x86 cpu in flat 32-bit protected
 * mode, under the interpreter and under the LLVM JIT (every block
 * compiled before it runs), comparing registers and flags with the
 * expected values and with each other.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "frontends/x86/x86_core.h"
#include "frontends/x86/x86_internal.h"
#include "tests/unit/x86_testcpu.h"

enum { F_C = X86_CF, F_P = X86_PF, F_A = X86_AF, F_Z = X86_ZF, F_S = X86_SF, F_O = X86_OF };

/* ---- the C flag functions ---- */

Test(x86_flags, add_sub_logic)
{
    /* 0xff + 1 (byte): 0 with carry, half carry, even parity. */
    cr_assert_eq(x86_cc_compute_all(X86_CC_OP_ADDB, 0x00, 0x01, 0), F_C | F_Z | F_A | F_P);
    /* 0x7f + 1: signed overflow to 0x80 (one bit set: odd parity). */
    cr_assert_eq(x86_cc_compute_all(X86_CC_OP_ADDB, 0x80, 0x01, 0), F_O | F_S | F_A);
    /* 0x7fff + 0x7fff (word) = 0xfffe. */
    cr_assert_eq(x86_cc_compute_all(X86_CC_OP_ADDB + 1, 0xfffe, 0x7fff, 0), F_O | F_S | F_A);
    /* dword 0xffffffff + 0xffffffff + carry = 0xffffffff, CF set. */
    cr_assert_eq(x86_cc_compute_all(X86_CC_OP_ADCB + 2, 0xffffffff, 0xffffffff, 1),
                 F_C | F_S | F_P | F_A);
    /* 0 + 0xffffffff + carry = 0 with CF. */
    cr_assert_eq(x86_cc_compute_all(X86_CC_OP_ADCB + 2, 0, 0xffffffff, 1), F_C | F_Z | F_P | F_A);
    /* 5 - 7 (dword) = 0xfffffffe: borrow, sign, half borrow. */
    cr_assert_eq(x86_cc_compute_all(X86_CC_OP_SUBB + 2, 0xfffffffe, 7, 0), F_C | F_S | F_A);
    /* 0x80 - 1 (byte) = 0x7f: overflow. */
    cr_assert_eq(x86_cc_compute_all(X86_CC_OP_SUBB, 0x7f, 1, 0), F_O | F_A);
    /* 3 - 3 - borrow... 3 - 2 - 1 = 0. */
    cr_assert_eq(x86_cc_compute_all(X86_CC_OP_SBBB + 2, 0, 2, 1), F_Z | F_P);
    /* 2 - 2 - 1 = -1 with borrow. */
    cr_assert_eq(x86_cc_compute_all(X86_CC_OP_SBBB, 0xff, 2, 1), F_C | F_S | F_P | F_A);
    /* Logic: only SF ZF PF. */
    cr_assert_eq(x86_cc_compute_all(X86_CC_OP_LOGICB + 1, 0x8003, 0x1234, 0), F_S | F_P);
    cr_assert_eq(x86_cc_compute_all(X86_CC_OP_LOGICB + 2, 0, 0, 0), F_Z | F_P);
    /* EFLAGS form passes the six flags through. */
    cr_assert_eq(x86_cc_compute_all(X86_CC_OP_EFLAGS, 0, 0xffffffff, 0), X86_ARITH_FLAGS);
    /* Values above the operand size are ignored. */
    cr_assert_eq(x86_cc_compute_all(X86_CC_OP_ADDB, 0x1100, 0x01, 0), F_C | F_Z | F_A | F_P);
}

Test(x86_flags, inc_dec_shift_mul)
{
    cr_assert_eq(x86_cc_compute_all(X86_CC_OP_INCB, 0x80, 0, 1), F_C | F_O | F_S | F_A);
    cr_assert_eq(x86_cc_compute_all(X86_CC_OP_INCB + 2, 0, 0, 0), F_Z | F_P | F_A);
    cr_assert_eq(x86_cc_compute_all(X86_CC_OP_DECB + 2, 0x7fffffff, 0, 0), F_O | F_A | F_P);
    cr_assert_eq(x86_cc_compute_all(X86_CC_OP_DECB + 1, 0xffff, 0, 1), F_C | F_S | F_A | F_P);
    /* SHL 0x81 by 1 (byte): src = 0x81, dst = 0x02. */
    cr_assert_eq(x86_cc_compute_all(X86_CC_OP_SHLB, 0x02, 0x81, 0), F_C | F_O);
    /* SHR 0x10 by 5: src = 0x10 >> 4 = 1, dst 0. OF = MSB of the operand (0). */
    cr_assert_eq(x86_cc_compute_all(X86_CC_OP_SARB + 2, 0, 1, 0), F_C | F_Z | F_P);
    /* SHR 0x80000000 by 1: OF = old MSB. */
    cr_assert_eq(x86_cc_compute_all(X86_CC_OP_SARB + 2, 0x40000000, 0x80000000, 0), F_O | F_P);
    /* MUL: CF = OF = high half nonzero, ZF SF PF from the low half, AF 0. */
    cr_assert_eq(x86_cc_compute_all(X86_CC_OP_MULB + 2, 0, 1, 0), F_C | F_O | F_Z | F_P);
    cr_assert_eq(x86_cc_compute_all(X86_CC_OP_MULB + 1, 0x8001, 0, 0), F_S);
    cr_assert_eq(x86_cc_compute_cf(X86_CC_OP_SUBB + 2, 0xfffffffe, 7, 0), F_C);
}

Test(x86_flags, conditions)
{
    /* O NO B AE E NE BE A S NS P NP L GE LE G against SDM Vol 1 B-1. */
    uint32_t f = F_C | F_S; /* below, negative, not overflowed: L */
    bool expect[16] = {0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0};
    for (unsigned cc = 0; cc < 16; cc++)
        cr_assert_eq(x86_cond_from_flags(cc, f), expect[cc], "cc %u", cc);
    f = F_Z | F_O | F_P;
    bool expect2[16] = {1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0, 1, 0};
    for (unsigned cc = 0; cc < 16; cc++)
        cr_assert_eq(x86_cond_from_flags(cc, f), expect2[cc], "cc %u", cc);
}

/* ---- sequences on a bare cpu ---- */

#define CODE_BASE 0x1000u

typedef struct AluResult {
    uint32_t regs[8];
    uint32_t flags; /* the six arithmetic flags */
    uint32_t mem;   /* the dword at 0x2000 */
} AluResult;

static uint32_t init_reg(unsigned r)
{
    return r == X86_ESP ? 0x8000u : 0x11111111u * (r + 1);
}

/* Run code (then HLT) at CODE_BASE in flat 32-bit protected mode, CPL 0,
 * interrupts off, the arithmetic flags clear. */
static void alu_run(const uint8_t *code, size_t len, X86TestAccel accel, AluResult *res)
{
    X86Test *t = x86test_new(accel, 0);
    x86test_load_hlt(t, CODE_BASE, code, len);
    x86test_flat32(t, CODE_BASE);
    for (unsigned r = 0; r < 8; r++)
        t->cpu->regs[r] = init_reg(r);
    x86test_run(t);
    for (unsigned r = 0; r < 8; r++)
        res->regs[r] = x86test_reg(t, r);
    res->flags = x86_get_eflags(t->cpu) & X86_ARITH_FLAGS;
    res->mem = x86test_read32(t, 0x2000);
    x86test_free(t);
}

typedef struct AluCase {
    const char *name;
    uint8_t code[64];
    size_t len;
    struct {
        int reg; /* -1 ends the list */
        uint32_t value;
    } out[6];
    uint32_t flags;
    bool check_mem;
    uint32_t mem;
} AluCase;

#define CODE(...) {__VA_ARGS__}, sizeof((uint8_t[]){__VA_ARGS__})
#define END                                                                                        \
    {                                                                                              \
        -1, 0                                                                                      \
    }

static const AluCase alu_cases[] = {
    {"add carry out",
     CODE(0xb8, 0xff, 0xff, 0xff, 0xff, 0x83, 0xc0, 0x01),
     {{X86_EAX, 0}, END},
     F_C | F_Z | F_A | F_P},
    {"add al overflow",
     CODE(0xb0, 0x7f, 0x04, 0x01),
     {{X86_EAX, 0x11111180}, END},
     F_O | F_S | F_A},
    {"cmp below", CODE(0xb9, 5, 0, 0, 0, 0x83, 0xf9, 0x07), {{X86_ECX, 5}, END}, F_C | F_S | F_A},
    {"adc",
     CODE(0xb8, 0xff, 0xff, 0xff, 0xff, 0x83, 0xc0, 0x01, 0xbb, 0, 0, 0, 0, 0x83, 0xd3, 0),
     {{X86_EAX, 0}, {X86_EBX, 1}, END},
     0},
    {"sbb",
     CODE(0xb8, 0, 0, 0, 0, 0x83, 0xe8, 0x01, 0xba, 10, 0, 0, 0, 0x83, 0xda, 3),
     {{X86_EAX, 0xffffffff}, {X86_EDX, 6}, END},
     F_P},
    {"inc keeps cf",
     CODE(0xb8, 0xff, 0xff, 0xff, 0xff, 0x83, 0xc0, 0x01, 0x40),
     {{X86_EAX, 1}, END},
     F_C},
    {"dec overflow",
     CODE(0xbb, 0, 0, 0, 0x80, 0x4b),
     {{X86_EBX, 0x7fffffff}, END},
     F_O | F_A | F_P},
    {"add ah",
     CODE(0xb8, 0x44, 0x33, 0x22, 0x11, 0x80, 0xc4, 0x10),
     {{X86_EAX, 0x11224344}, END},
     0},
    {"xor self, or, and",
     CODE(0x31, 0xc9, 0x81, 0xc9, 0x00, 0xff, 0, 0, 0x66, 0x83, 0xe1, 0x0f),
     {{X86_ECX, 0}, END},
     F_Z | F_P},
    {"mul",
     CODE(0xb8, 0, 0, 0, 0x80, 0xb9, 4, 0, 0, 0, 0xf7, 0xe1),
     {{X86_EAX, 0}, {X86_EDX, 2}, {X86_ECX, 4}, END},
     F_C | F_O | F_Z | F_P},
    {"imul3",
     CODE(0xb9, 0xfd, 0xff, 0xff, 0xff, 0x6b, 0xc1, 0x07),
     {{X86_EAX, 0xffffffeb}, {X86_ECX, 0xfffffffd}, END},
     F_S | F_P},
    {"imul byte",
     CODE(0xb0, 0x40, 0xb3, 0x04, 0xf6, 0xeb),
     {{X86_EAX, 0x11110100}, {X86_EBX, 0x44444404}, END},
     F_C | F_O | F_Z | F_P},
    {"imul word no overflow",
     CODE(0x66, 0xb8, 0x10, 0x00, 0x66, 0xb9, 0xfe, 0xff, 0x66, 0xf7, 0xe9),
     {{X86_EAX, 0x1111ffe0}, {X86_EDX, 0x3333ffff}, {X86_ECX, 0x2222fffe}, END},
     F_S},
    {"div",
     CODE(0xba, 0, 0, 0, 0, 0xb8, 100, 0, 0, 0, 0xb9, 7, 0, 0, 0, 0xf7, 0xf1),
     {{X86_EAX, 14}, {X86_EDX, 2}, {X86_ECX, 7}, END},
     0},
    {"idiv word",
     CODE(0x66, 0xb8, 0x9c, 0xff, 0x66, 0x99, 0x66, 0xb9, 7, 0, 0x66, 0xf7, 0xf9),
     {{X86_EAX, 0x1111fff2}, {X86_EDX, 0x3333fffe}, {X86_ECX, 0x22220007}, END},
     0},
    {"div byte",
     CODE(0x66, 0xb8, 0x07, 0x01, 0xb3, 0x0a, 0xf6, 0xf3),
     {{X86_EAX, 0x1111031a}, {X86_EBX, 0x4444440a}, END},
     0},
    {"idiv dword negative",
     CODE(0xb8, 0xf9, 0xff, 0xff, 0xff, 0x99, 0xb9, 2, 0, 0, 0, 0xf7, 0xf9),
     {{X86_EAX, 0xfffffffd}, {X86_EDX, 0xffffffff}, {X86_ECX, 2}, END},
     0},
    {"shl al", CODE(0xb8, 0x81, 0, 0, 0, 0xd0, 0xe0), {{X86_EAX, 0x02}, END}, F_C | F_O},
    {"sar",
     CODE(0xbb, 0x01, 0, 0, 0x80, 0xc1, 0xfb, 0x04),
     {{X86_EBX, 0xf8000000}, END},
     F_S | F_P},
    {"shl by 0 keeps flags",
     CODE(0xb8, 0xff, 0xff, 0xff, 0xff, 0x83, 0xc0, 0x01, 0xb9, 0x20, 0, 0, 0, 0xd3, 0xe0),
     {{X86_EAX, 0}, {X86_ECX, 0x20}, END},
     F_C | F_Z | F_A | F_P},
    {"shr cl",
     CODE(0xb8, 0x10, 0, 0, 0, 0xb1, 0x05, 0xd3, 0xe8),
     {{X86_EAX, 0}, {X86_ECX, 0x22222205}, END},
     F_C | F_Z | F_P},
    {"rol al", CODE(0xb0, 0x81, 0xd0, 0xc0), {{X86_EAX, 0x11111103}, END}, F_C | F_O},
    {"ror word by 4",
     CODE(0x66, 0xb8, 0x34, 0x12, 0x66, 0xc1, 0xc8, 0x04),
     {{X86_EAX, 0x11114123}, END},
     F_O},
    {"rcr bl",
     CODE(0xb8, 0, 0, 0, 0, 0x83, 0xe8, 0x01, 0xb3, 0x02, 0xd0, 0xdb),
     {{X86_EAX, 0xffffffff}, {X86_EBX, 0x44444481}, END},
     F_O | F_S | F_A | F_P},
    {"rcl byte by 9 is identity",
     CODE(0xb3, 0x5a, 0xb1, 0x09, 0xd2, 0xd3),
     {{X86_EBX, 0x4444445a}, {X86_ECX, 0x22222209}, END},
     0},
    {"rcl dword",
     CODE(0xb8, 0, 0, 0, 0, 0x83, 0xe8, 0x01, 0xbb, 0x01, 0, 0, 0x80, 0xc1, 0xd3, 0x02),
     {{X86_EAX, 0xffffffff}, {X86_EBX, 0x00000007}, END},
     F_O | F_S | F_A | F_P},
    {"shld",
     CODE(0xb8, 0x78, 0x56, 0x34, 0x12, 0xbb, 0xf0, 0xde, 0xbc, 0x9a, 0x0f, 0xa4, 0xd8, 8),
     {{X86_EAX, 0x3456789a}, {X86_EBX, 0x9abcdef0}, END},
     F_P},
    {"shrd cl",
     CODE(0xb8, 0x78, 0x56, 0x34, 0x12, 0xbb, 0xf0, 0xde, 0xbc, 0x9a, 0xb1, 4, 0x0f, 0xad, 0xd8),
     {{X86_EAX, 0x01234567}, {X86_EBX, 0x9abcdef0}, {X86_ECX, 0x22222204}, END},
     F_C},
    {"movsx movzx lea",
     CODE(0xb8, 0xf0, 0, 0, 0, 0x0f, 0xbe, 0xc8, 0x0f, 0xb6, 0xd0, 0x8d, 0x74, 0x51, 0x03),
     {{X86_EAX, 0xf0}, {X86_ECX, 0xfffffff0}, {X86_EDX, 0xf0}, {X86_ESI, 0x1d3}, END},
     0},
    {"xchg cwde cdq",
     CODE(0xbb, 0x00, 0x80, 0, 0, 0x93, 0x98, 0x99),
     {{X86_EAX, 0xffff8000}, {X86_EBX, 0x11111111}, {X86_EDX, 0xffffffff}, END},
     0},
    {"memory rmw and neg",
     CODE(0xc7, 0x05, 0x00, 0x20, 0, 0, 5, 0, 0, 0, 0x83, 0x05, 0x00, 0x20, 0, 0, 3, 0xa1, 0x00,
          0x20, 0, 0, 0xf7, 0x1d, 0x00, 0x20, 0, 0, 0x8b, 0x1d, 0x00, 0x20, 0, 0),
     {{X86_EAX, 8}, {X86_EBX, 0xfffffff8}, END},
     F_C | F_S | F_A,
     true,
     0xfffffff8},
    {"stack-relative xchg",
     CODE(0xc7, 0x04, 0x24, 0x78, 0x56, 0x34, 0x12, 0x87, 0x04, 0x24),
     {{X86_EAX, 0x12345678}, END},
     0},
    {"test and nops",
     CODE(0xb8, 0x80, 0, 0, 0, 0xa8, 0x80, 0x90, 0xf3, 0x90, 0x0f, 0x1f, 0x40, 0x00),
     {{X86_EAX, 0x80}, END},
     F_S},
};

static void check_case(const AluCase *c, const AluResult *r, const char *tier)
{
    uint32_t expect[8];
    for (unsigned i = 0; i < 8; i++)
        expect[i] = init_reg(i);
    for (unsigned k = 0; k < 6 && c->out[k].reg >= 0; k++)
        expect[c->out[k].reg] = c->out[k].value;
    for (unsigned i = 0; i < 8; i++)
        cr_expect_eq(r->regs[i], expect[i], "%s (%s): reg %u = %#x, expected %#x", c->name, tier, i,
                     r->regs[i], expect[i]);
    cr_expect_eq(r->flags, c->flags, "%s (%s): flags %#x, expected %#x", c->name, tier, r->flags,
                 c->flags);
    if (c->check_mem)
        cr_expect_eq(r->mem, c->mem, "%s (%s): memory %#x, expected %#x", c->name, tier, r->mem,
                     c->mem);
}

Test(x86_alu, sequences_interp)
{
    for (size_t i = 0; i < sizeof alu_cases / sizeof alu_cases[0]; i++) {
        AluResult r;
        cr_log_info("case %s", alu_cases[i].name);
        alu_run(alu_cases[i].code, alu_cases[i].len, X86T_INTERP, &r);
        check_case(&alu_cases[i], &r, "interp");
    }
}

Test(x86_alu, sequences_jit, .timeout = 120)
{
    for (size_t i = 0; i < sizeof alu_cases / sizeof alu_cases[0]; i++) {
        AluResult ri, rj;
        alu_run(alu_cases[i].code, alu_cases[i].len, X86T_INTERP, &ri);
        alu_run(alu_cases[i].code, alu_cases[i].len, X86T_JIT, &rj);
        check_case(&alu_cases[i], &rj, "jit");
        cr_expect(memcmp(&ri, &rj, sizeof ri) == 0, "%s: interp and jit differ", alu_cases[i].name);
    }
}
