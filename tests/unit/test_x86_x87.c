/*
 * x87 state and instructions (frontends/x86/x86_fpu.c, x86_insn_x87.c) on
 * a zeroed X86CPU: FNINIT state, the register stack and tag word, stack
 * faults, exception recording and the #MF pending rule, and instructions
 * decoded from bytes and run as their helper runs (register forms: no
 * guest memory needed).
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "frontends/x86/x86_fpu.h"
#include "frontends/x86/x86_internal.h"

TestSuite(x86_x87);

static X86CPU *new_cpu(void)
{
    X86CPU *cpu = calloc(1, sizeof(X86CPU));
    cr_assert_not_null(cpu);
    x86_fpu_reset(cpu);
    return cpu;
}

/* Decode bytes (32-bit code) and run the instruction's helper. */
static void run(X86CPU *cpu, const uint8_t *bytes, unsigned len)
{
    X86Insn in;
    cr_assert_eq(x86_decode_bytes(bytes, len, true, &in), X86_DECODE_OK);
    cr_assert_not_null(in.def);
    cr_assert_eq(in.has_mem, false);
    x86_x87_exec(cpu, x86_x87_word(&in), 0, 0);
}
#define RUN(cpu, ...)                                                                              \
    do {                                                                                           \
        static const uint8_t b_[] = {__VA_ARGS__};                                                 \
        run(cpu, b_, sizeof(b_));                                                                  \
    } while (0)

static X86F80 f80(uint16_t se, uint64_t sig)
{
    return (X86F80){sig, se};
}

Test(x86_x87, fninit_state)
{
    X86CPU *cpu = new_cpu();
    cr_expect_eq(cpu->fpuc, 0x037f);
    cr_expect_eq(x86_fpu_status(cpu), 0);
    cr_expect_eq(x86_fpu_tag_word(cpu), 0xffff);
    free(cpu);
}

Test(x86_x87, stack_and_tags)
{
    X86CPU *cpu = new_cpu();
    RUN(cpu, 0xd9, 0xe8); /* fld1 */
    RUN(cpu, 0xd9, 0xee); /* fldz */
    cr_expect_eq((x86_fpu_status(cpu) >> 11) & 7, 6);
    /* TOP 6: physical 6 zero (01), physical 7 valid (00), rest empty. */
    cr_expect_eq(x86_fpu_tag_word(cpu), 0x1fff, "tw %04x", x86_fpu_tag_word(cpu));
    RUN(cpu, 0xde, 0xc1); /* faddp: st1 = 1 + 0, pop */
    cr_expect_eq((x86_fpu_status(cpu) >> 11) & 7, 7);
    X86F80 r = x86_fpu_st(cpu, 0);
    cr_expect_eq(r.se, 0x3fff);
    cr_expect_eq(r.sig, 1ull << 63);
    RUN(cpu, 0xd9, 0xe0); /* fchs */
    cr_expect_eq(x86_fpu_st(cpu, 0).se, 0xbfff);
    RUN(cpu, 0xd9, 0xe5); /* fxam: negative normal: C1, C2 */
    cr_expect_eq(x86_fpu_status(cpu) & X86_FPSW_CC, X86_FPSW_C1 | X86_FPSW_C2);
    RUN(cpu, 0xdd, 0xd8); /* fstp st(0) */
    cr_expect_eq(x86_fpu_tag_word(cpu), 0xffff);
    free(cpu);
}

Test(x86_x87, stack_underflow_masked)
{
    X86CPU *cpu = new_cpu();
    RUN(cpu, 0xd9, 0xfa); /* fsqrt of an empty ST(0) */
    uint16_t sw = x86_fpu_status(cpu);
    cr_expect_eq(sw & (X86_FPE_IE | X86_FPSW_SF | X86_FPSW_C1), X86_FPE_IE | X86_FPSW_SF);
    cr_expect_eq(sw & X86_FPSW_ES, 0); /* masked */
    X86F80 r = x86_fpu_st(cpu, 0);
    cr_expect_eq(r.se, 0xffff);
    cr_expect_eq(r.sig, 0xc000000000000000ull);
    free(cpu);
}

Test(x86_x87, stack_overflow)
{
    X86CPU *cpu = new_cpu();
    for (int i = 0; i < 8; i++)
        RUN(cpu, 0xd9, 0xe8); /* fld1 x 8 */
    cr_expect_eq(x86_fpu_status(cpu) & X86_FPE_IE, 0);
    RUN(cpu, 0xd9, 0xeb); /* fldpi: overflow, masked: the indefinite pushed */
    uint16_t sw = x86_fpu_status(cpu);
    cr_expect_eq(sw & (X86_FPE_IE | X86_FPSW_SF | X86_FPSW_C1),
                 X86_FPE_IE | X86_FPSW_SF | X86_FPSW_C1);
    cr_expect_eq(x86_fpu_st(cpu, 0).se, 0xffff);
    free(cpu);
}

Test(x86_x87, unmasked_exception_pends)
{
    X86CPU *cpu = new_cpu();
    x86_fpu_set_control(cpu, 0x037b); /* ZE unmasked */
    RUN(cpu, 0xd9, 0xe8);             /* fld1 */
    RUN(cpu, 0xd9, 0xee);             /* fldz */
    RUN(cpu, 0xd8, 0xf9);             /* fdivr: st0 = st1 / st0 = 1 / 0 */
    uint16_t sw = x86_fpu_status(cpu);
    cr_expect_eq(sw & (X86_FPE_ZE | X86_FPSW_ES | X86_FPSW_B),
                 X86_FPE_ZE | X86_FPSW_ES | X86_FPSW_B);
    /* The destination is unchanged. */
    cr_expect_eq(x86_fpu_st(cpu, 0).sig, 0);
    RUN(cpu, 0xdb, 0xe2); /* fnclex: no wait, clears */
    cr_expect_eq(x86_fpu_status(cpu) & 0x80ff, 0);
    /* FLDCW unmasking a pending exception sets ES again. */
    x86_fpu_set_control(cpu, 0x037f);
    x86_fpu_record(cpu, X86_FPE_PE);
    cr_expect_eq(x86_fpu_status(cpu) & X86_FPSW_ES, 0);
    x86_fpu_set_control(cpu, 0x035f);
    cr_expect_eq(x86_fpu_status(cpu) & X86_FPSW_ES, X86_FPSW_ES);
    free(cpu);
}

Test(x86_x87, fnstsw_ax_and_fcomi)
{
    X86CPU *cpu = new_cpu();
    cpu->regs[X86_EAX] = 0x12345678;
    RUN(cpu, 0xd9, 0xe8); /* fld1 */
    RUN(cpu, 0xd9, 0xee); /* fldz */
    RUN(cpu, 0xdf, 0xe0); /* fnstsw ax */
    cr_expect_eq(cpu->regs[X86_EAX], 0x12343000);
    RUN(cpu, 0xdb, 0xf1); /* fcomi st, st(1): 0 < 1: CF */
    cr_expect_eq(cpu->cc_op, X86_CC_OP_EFLAGS);
    cr_expect_eq(cpu->cc_src, X86_CF);
    RUN(cpu, 0xd8, 0xd1); /* fcom st(1): C0 */
    cr_expect_eq(x86_fpu_status(cpu) & X86_FPSW_CC, X86_FPSW_C0);
    RUN(cpu, 0xde, 0xd9); /* fcompp */
    cr_expect_eq(x86_fpu_tag_word(cpu), 0xffff);
    free(cpu);
}

Test(x86_x87, full_tag_word)
{
    X86CPU *cpu = new_cpu();
    x86_fpu_push(cpu, f80(0x3fff, 1ull << 63)); /* phys 7: valid 00 */
    x86_fpu_push(cpu, f80(0, 0));               /* phys 6: zero 01 */
    x86_fpu_push(cpu, f80(0x7fff, 1ull << 63)); /* phys 5: special 10 */
    x86_fpu_push(cpu, f80(0, 1));               /* phys 4: denormal: special */
    cr_expect_eq(x86_fpu_tag_word(cpu), 0x1aff, "tw %04x", x86_fpu_tag_word(cpu));
    x86_fpu_set_tag_word(cpu, 0xc0ff); /* phys 7 empty, 4-6 valid */
    cr_expect_eq(cpu->fptag[7], 1);
    cr_expect_eq(cpu->fptag[4], 0);
    free(cpu);
}

Test(x86_x87, fprem_and_fxtract)
{
    X86CPU *cpu = new_cpu();
    x86_fpu_push(cpu, x86f80_from_int(3));
    x86_fpu_push(cpu, x86f80_from_int(17)); /* 17 rem 3 = 2, quotient 5 (101) */
    RUN(cpu, 0xd9, 0xf8);
    X86F80 r = x86_fpu_st(cpu, 0);
    cr_expect_eq(r.se, 0x4000);
    cr_expect_eq(r.sig, 1ull << 63);
    cr_expect_eq(x86_fpu_status(cpu) & X86_FPSW_CC, X86_FPSW_C0 | X86_FPSW_C1);
    RUN(cpu, 0xd9, 0xf4); /* fxtract 2: exponent 1, significand 1 */
    cr_expect_eq(x86_fpu_st(cpu, 0).se, 0x3fff);
    cr_expect_eq(x86_fpu_st(cpu, 1).se, 0x3fff);
    free(cpu);
}

/* Push b then a: ST(0) = a, ST(1) = b. */
static X86CPU *cpu_with(X86F80 a, X86F80 b)
{
    X86CPU *cpu = new_cpu();
    x86_fpu_push(cpu, b);
    x86_fpu_push(cpu, a);
    return cpu;
}

/* The ST(i)-destination forms (SDM Vol 2 FSUB "DC E8+i", FSUBR "DC E0+i",
 * FDIV "DC F8+i", FDIVR "DC F0+i", and the popping DE forms): with ST(0)
 * = 1 and ST(1) = 4, FSUB ST(1),ST(0) is 4 - 1 = 3, FSUBR ST(1),ST(0) is
 * 1 - 4 = -3, FDIV ST(1),ST(0) is 4 / 1, FDIVR ST(1),ST(0) is 1 / 4. */
Test(x86_x87, sti_destination_operand_order)
{
    static const struct {
        uint8_t op, modrm;
        const char *name;
        uint16_t se; /* the result: sign/exponent, significand 1.1b or 1.0b */
        uint64_t sig;
    } cases[] = {
        {0xdc, 0xe9, "fsub st1, st0", 0x4000, 0xc000000000000000ull},
        {0xdc, 0xe1, "fsubr st1, st0", 0xc000, 0xc000000000000000ull},
        {0xdc, 0xf9, "fdiv st1, st0", 0x4001, 1ull << 63},
        {0xdc, 0xf1, "fdivr st1, st0", 0x3ffd, 1ull << 63},
        {0xde, 0xe9, "fsubp st1, st0", 0x4000, 0xc000000000000000ull},
        {0xde, 0xe1, "fsubrp st1, st0", 0xc000, 0xc000000000000000ull},
        {0xde, 0xf9, "fdivp st1, st0", 0x4001, 1ull << 63},
        {0xde, 0xf1, "fdivrp st1, st0", 0x3ffd, 1ull << 63},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        X86CPU *cpu = cpu_with(x86f80_from_int(1), x86f80_from_int(4));
        uint8_t bytes[2] = {cases[k].op, cases[k].modrm};
        run(cpu, bytes, 2);
        X86F80 r = x86_fpu_st(cpu, cases[k].op == 0xde ? 0 : 1);
        cr_expect(r.se == cases[k].se && r.sig == cases[k].sig, "%s: %04x:%016llx", cases[k].name,
                  r.se, (unsigned long long)r.sig);
        free(cpu);
    }
}

/* FCMOVcc and FCOMI/FUCOMI keep C1 (only a stack underflow clears it:
 * SDM Vol 2 FCMOVcc; FCOMI as Intel hardware does); FXCH clears it. */
Test(x86_x87, c1_kept_by_fcmov_and_fcomi)
{
    static const uint8_t keep[][2] = {
        {0xda, 0xc1}, /* fcmovb st0, st1 */
        {0xdb, 0xc1}, /* fcmovnb st0, st1 */
        {0xdb, 0xf1}, /* fcomi st0, st1 */
        {0xdb, 0xe9}, /* fucomi st0, st1 */
    };
    for (size_t k = 0; k < sizeof keep / sizeof keep[0]; k++) {
        X86CPU *cpu = cpu_with(x86f80_from_int(1), x86f80_from_int(2));
        x86_fpu_set_cc(cpu, X86_FPSW_C1, X86_FPSW_C1);
        run(cpu, keep[k], 2);
        cr_expect_eq(x86_fpu_status(cpu) & X86_FPSW_C1, X86_FPSW_C1, "%02x %02x cleared C1",
                     keep[k][0], keep[k][1]);
        free(cpu);
    }
    X86CPU *cpu = cpu_with(x86f80_from_int(1), x86f80_from_int(2));
    x86_fpu_set_cc(cpu, X86_FPSW_C1, X86_FPSW_C1);
    RUN(cpu, 0xd9, 0xc9); /* fxch st1 */
    cr_expect_eq(x86_fpu_status(cpu) & X86_FPSW_C1, 0);
    free(cpu);
}

/* FPREM/FPREM1 with a NaN result (a QNaN operand, or invalid: infinity
 * dividend): C1 and C2 cleared, C0 and C3 kept (Intel hardware); IE only
 * for the invalid case. */
Test(x86_x87, fprem_nan_keeps_c0_c3)
{
    const X86F80 qnan = f80(0x7fff, 0xc000000000000001ull), inf = f80(0x7fff, 1ull << 63);
    const X86F80 dividends[2] = {qnan, inf};
    for (unsigned ieee = 0; ieee < 2; ieee++) {
        for (unsigned k = 0; k < 2; k++) {
            X86CPU *cpu = cpu_with(dividends[k], x86f80_from_int(1));
            x86_fpu_set_cc(cpu, X86_FPSW_CC, X86_FPSW_CC);
            uint8_t bytes[2] = {0xd9, ieee ? 0xf5 : 0xf8};
            run(cpu, bytes, 2);
            uint16_t sw = x86_fpu_status(cpu);
            cr_expect_eq(sw & X86_FPSW_CC, X86_FPSW_C0 | X86_FPSW_C3, "fprem%s #%u: sw %04x",
                         ieee ? "1" : "", k, sw);
            cr_expect_eq(sw & X86_FPE_IE, k ? X86_FPE_IE : 0);
            free(cpu);
        }
    }
    /* A remainder sets all four from the quotient (17 rem 3: Q = 101b). */
    X86CPU *cpu = cpu_with(x86f80_from_int(17), x86f80_from_int(3));
    x86_fpu_set_cc(cpu, X86_FPSW_CC, X86_FPSW_C2 | X86_FPSW_C3);
    RUN(cpu, 0xd9, 0xf8);
    cr_expect_eq(x86_fpu_status(cpu) & X86_FPSW_CC, X86_FPSW_C0 | X86_FPSW_C1);
    free(cpu);
}
