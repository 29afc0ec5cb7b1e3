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
