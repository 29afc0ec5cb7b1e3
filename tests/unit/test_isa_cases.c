/*
 * The hard cases of blueprint §5, written by hand in IR before any frontend
 * exists, to show the IR carries all four ISAs: x86 adc over lazy flags,
 * SPARC register windows, POWER rlwinm with CR0, S/370 BXLE.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <string.h>

#include "tests/unit/testcpu.h"

static TestCpu *tc;

static void setup(void)
{
    tc = testcpu_new();
    testcpu_reset(tc, 3);
}
static void teardown(void)
{
    testcpu_free(tc);
}

TestSuite(isa_cases, .init = setup, .fini = teardown);

#define I32 IR_I32
#define I64 IR_I64

static void run_ok(IrBlock *b)
{
    cr_assert_eq(testcpu_run(tc, b), IR_EXIT_NORMAL, "%s", tc->error);
    ir_block_free(b);
}

/* ==== (1) x86 adc with lazy flags ==== */

/* A frontend's globals: the guest names over test-cpu fields. */
enum { X86_EAX, X86_EBX, X86_CC_OP, X86_CC_DST, X86_CC_SRC, X86_CC_SRC2, X86_EFLAGS };
static const IrGlobal x86_global_list[] = {
    [X86_EAX] = {"eax", I32, TESTCPU_OFF_W(0)},
    [X86_EBX] = {"ebx", I32, TESTCPU_OFF_W(1)},
    [X86_CC_OP] = {"cc_op", I32, TESTCPU_OFF_W(2)},
    [X86_CC_DST] = {"cc_dst", I32, TESTCPU_OFF_W(3)},
    [X86_CC_SRC] = {"cc_src", I32, TESTCPU_OFF_W(4)},
    [X86_CC_SRC2] = {"cc_src2", I32, TESTCPU_OFF_W(5)},
    [X86_EFLAGS] = {"eflags", I32, TESTCPU_OFF_W(6)},
};
static const IrGlobalTable x86_globals = {x86_global_list, 7};
#define XG(n) ir_global(X86_##n)

/* Lazy state: ADD/SUB keep the result in cc_dst and the second operand in
 * cc_src; ADC also keeps its carry-in in cc_src2. */
enum { CC_OP_ADD = 1, CC_OP_SUB = 2, CC_OP_ADC = 3 };
enum { EFL_CF = 0, EFL_ZF = 6, EFL_SF = 7, EFL_OF = 11 }; /* SDM vol. 1 §3.4.3 */

/* CF of the lazy state, for the ops this block may follow (ADD or SUB). */
static IrVal x86_lazy_cf(IrBlock *b)
{
    IrVal cf_add = ir_temp(b, I32), cf_sub = ir_temp(b, I32), src1 = ir_temp(b, I32);
    IrVal cf = ir_temp(b, I32);
    ir_setcond(b, I32, IR_LTU, cf_add, XG(CC_DST), XG(CC_SRC)); /* carry: result < operand */
    ir_op2(b, IR_add, I32, src1, XG(CC_DST), XG(CC_SRC));       /* sub: first operand back */
    ir_setcond(b, I32, IR_LTU, cf_sub, src1, XG(CC_SRC));       /* borrow: src1 < src2 */
    ir_movcond(b, I32, IR_EQ, cf, XG(CC_OP), ir_i32(b, CC_OP_ADD), cf_add, cf_sub);
    return cf;
}

/* adc eax, ebx (SDM vol. 2A "ADC"): eax = eax + ebx + CF, lazily. */
static IrBlock *x86_adc_block(void)
{
    IrBlock *b = ir_block_new(&x86_globals);
    ir_insn_start(b, 0x401000, CC_OP_ADC, 0);
    IrVal cf = x86_lazy_cf(b), carry_out = ir_temp(b, I32);
    ir_mov(b, I32, XG(CC_SRC), XG(EBX));
    ir_add_carry(b, I32, XG(EAX), carry_out, XG(EAX), XG(EBX), cf);
    ir_mov(b, I32, XG(CC_DST), XG(EAX));
    ir_mov(b, I32, XG(CC_SRC2), cf);
    ir_mov(b, I32, XG(CC_OP), ir_i32(b, CC_OP_ADC));
    ir_exit_tb(b, IR_EXIT_NORMAL);
    return b;
}

static void deposit_flag(IrBlock *b, IrVal flags, IrVal bit, unsigned pos)
{
    ir_deposit(b, I32, flags, flags, bit, pos, 1);
}

/* pushf-like consumer: materialise CF ZF SF OF of an ADC lazy state. */
static IrBlock *x86_flags_block(void)
{
    IrBlock *b = ir_block_new(&x86_globals);
    ir_insn_start(b, 0x401002, 0, 0);
    IrVal dst = XG(CC_DST), src = XG(CC_SRC), cin = XG(CC_SRC2);
    IrVal cf = ir_temp(b, I32), eq = ir_temp(b, I32), t = ir_temp(b, I32);
    /* CF = dst < src || (cin && dst == src) */
    ir_setcond(b, I32, IR_LTU, cf, dst, src);
    ir_setcond(b, I32, IR_EQ, eq, dst, src);
    ir_op2(b, IR_and, I32, eq, eq, cin);
    ir_op2(b, IR_or, I32, cf, cf, eq);
    IrVal flags = ir_temp(b, I32);
    ir_mov(b, I32, flags, ir_i32(b, 0));
    deposit_flag(b, flags, cf, EFL_CF);
    ir_setcond(b, I32, IR_EQ, t, dst, ir_i32(b, 0));
    deposit_flag(b, flags, t, EFL_ZF);
    ir_extract(b, IR_extract, I32, t, dst, 31, 1);
    deposit_flag(b, flags, t, EFL_SF);
    /* OF = ((src1 ^ dst) & ~(src1 ^ src)) bit 31, src1 = dst - src - cin */
    IrVal src1 = ir_temp(b, I32), x = ir_temp(b, I32), y = ir_temp(b, I32);
    ir_op2(b, IR_sub, I32, src1, dst, src);
    ir_op2(b, IR_sub, I32, src1, src1, cin);
    ir_op2(b, IR_xor, I32, x, src1, dst);
    ir_op2(b, IR_xor, I32, y, src1, src);
    ir_op2(b, IR_andc, I32, x, x, y);
    ir_op2(b, IR_shr, I32, t, x, ir_i32(b, 31));
    deposit_flag(b, flags, t, EFL_OF);
    ir_mov(b, I32, XG(EFLAGS), flags);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    return b;
}

Test(isa_cases, x86_adc_lazy_flags)
{
#define EFL(cf, zf, sf, of) ((cf) << EFL_CF | (zf) << EFL_ZF | (sf) << EFL_SF | (of) << EFL_OF)
    static const struct {
        uint32_t cc_op, cc_dst, cc_src; /* the previous instruction's lazy state */
        uint32_t eax, ebx;
        uint32_t result, eflags;
    } cases[] = {
        /* after an add with carry out; 0x7fffffff + 0 + 1 overflows */
        {CC_OP_ADD, 0x00000001, 0xffffffff, 0x7fffffff, 0, 0x80000000, EFL(0, 0, 1, 1)},
        /* after an add without carry: 0xffffffff + 1 wraps to zero */
        {CC_OP_ADD, 5, 2, 0xffffffff, 1, 0, EFL(1, 1, 0, 0)},
        /* after a sub with borrow (0 - 1): -1 + -1 + 1 = -1, carry out */
        {CC_OP_SUB, 0xffffffff, 1, 0xffffffff, 0xffffffff, 0xffffffff, EFL(1, 0, 1, 0)},
        /* after a sub without borrow (5 - 2): MIN + MIN = 0, carry and overflow */
        {CC_OP_SUB, 3, 2, 0x80000000, 0x80000000, 0, EFL(1, 1, 0, 1)},
        /* carry out only visible through the carry-in: -1 + 5 + 1 = 5 */
        {CC_OP_ADD, 0, 1, 0xffffffff, 5, 5, EFL(1, 0, 0, 0)},
        /* no carry anywhere */
        {CC_OP_ADD, 7, 3, 0x10, 0x20, 0x30, EFL(0, 0, 0, 0)},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        tc->w[X86_CC_OP] = cases[i].cc_op;
        tc->w[X86_CC_DST] = cases[i].cc_dst;
        tc->w[X86_CC_SRC] = cases[i].cc_src;
        tc->w[X86_EAX] = cases[i].eax;
        tc->w[X86_EBX] = cases[i].ebx;
        run_ok(x86_adc_block());
        cr_expect_eq(tc->w[X86_EAX], cases[i].result, "case %zu result 0x%08x", i, tc->w[X86_EAX]);
        cr_expect_eq(tc->w[X86_CC_OP], (uint32_t)CC_OP_ADC);
        run_ok(x86_flags_block());
        cr_expect_eq(tc->w[X86_EFLAGS], cases[i].eflags, "case %zu eflags 0x%03x, expected 0x%03x",
                     i, tc->w[X86_EFLAGS], cases[i].eflags);
    }
}

/* ==== (2) SPARC register windows ==== */

/* The window file lives in the test cpu's bank: NWINDOWS windows of 16
 * 64-bit registers, window w = %i0-%i7 then %l0-%l7.  The %o registers of
 * window w are the %i registers of window w - 1 (mod NWINDOWS), so SAVE,
 * which decrements CWP, makes the caller's %o the callee's %i (SPARC V9
 * §5.2.2, "Register Window Management"). */
#define NWINDOWS     8
#define REG_BYTES    8
#define WINDOW_BYTES (16 * REG_BYTES)
_Static_assert(NWINDOWS * 16 <= TESTCPU_BANK_WORDS, "the window file fits the bank");

enum { SPARC_CWP };
static const IrGlobal sparc_global_list[] = {[SPARC_CWP] = {"cwp", I32, TESTCPU_OFF_W(0)}};
static const IrGlobalTable sparc_globals = {sparc_global_list, 1};

/* Pointer to window (cwp + delta) mod NWINDOWS. */
static IrVal sparc_window(IrBlock *b, int delta)
{
    IrVal w = ir_temp(b, I32), off = ir_temp(b, I64), p = ir_temp(b, IR_PTR);
    ir_op2(b, IR_add, I32, w, ir_global(SPARC_CWP), ir_i32(b, (uint32_t)delta));
    ir_op2(b, IR_and, I32, w, w, ir_i32(b, NWINDOWS - 1));
    ir_op1(b, IR_zext, I64, off, w);
    ir_op2(b, IR_mul, I64, off, off, ir_i64(b, WINDOW_BYTES));
    ir_op2(b, IR_add, I64, off, off, ir_i64(b, TESTCPU_OFF_BANK));
    ir_ptr_add(b, p, IR_ENV, off);
    return p;
}

typedef enum { REG_I, REG_L, REG_O } SparcRegKind;

static void sparc_reg_access(IrBlock *b, bool store, IrVal v, SparcRegKind kind, unsigned n)
{
    IrVal base = sparc_window(b, kind == REG_O ? -1 : 0);
    int64_t off = (kind == REG_L ? 8 + n : n) * REG_BYTES;
    if (store)
        ir_st_env(b, I64, v, base, off, IR_MO_64);
    else
        ir_ld_env(b, I64, v, base, off, IR_MO_64);
}

/* add %i1, %l2, %o0;  save;  sll %i0, 1, %l0;  or %g0, 0x77, %o7 */
static IrBlock *sparc_block(void)
{
    IrBlock *b = ir_block_new(&sparc_globals);
    IrVal x = ir_temp(b, I64), y = ir_temp(b, I64);
    ir_insn_start(b, 0x4000, 0x4004, 0);
    sparc_reg_access(b, false, x, REG_I, 1);
    sparc_reg_access(b, false, y, REG_L, 2);
    ir_op2(b, IR_add, I64, x, x, y);
    sparc_reg_access(b, true, x, REG_O, 0);
    ir_insn_start(b, 0x4004, 0x4008, 0);
    IrVal cwp = ir_global(SPARC_CWP);
    ir_op2(b, IR_sub, I32, cwp, cwp, ir_i32(b, 1));
    ir_op2(b, IR_and, I32, cwp, cwp, ir_i32(b, NWINDOWS - 1));
    ir_insn_start(b, 0x4008, 0x400c, 0);
    sparc_reg_access(b, false, x, REG_I, 0);
    ir_op2(b, IR_shl, I64, x, x, ir_i64(b, 1));
    sparc_reg_access(b, true, x, REG_L, 0);
    ir_insn_start(b, 0x400c, 0x4010, 0);
    sparc_reg_access(b, true, ir_i64(b, 0x77), REG_O, 7);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    return b;
}

static uint64_t *window_reg(unsigned w, unsigned index)
{
    return &tc->bank[(w % NWINDOWS) * 16 + index];
}

Test(isa_cases, sparc_register_windows)
{
    for (unsigned cwp = 0; cwp < NWINDOWS; cwp++) {
        testcpu_reset(tc, 100 + cwp);
        tc->w[SPARC_CWP] = cwp;
        uint64_t before[TESTCPU_BANK_WORDS];
        memcpy(before, tc->bank, sizeof(before));
        uint64_t i1 = *window_reg(cwp, 1), l2 = *window_reg(cwp, 8 + 2);
        run_ok(sparc_block());

        unsigned callee = (cwp + NWINDOWS - 1) % NWINDOWS; /* wraps from 0 to 7 */
        cr_expect_eq(tc->w[SPARC_CWP], callee);
        /* caller's %o0 is the callee's %i0: the same storage */
        cr_expect_eq(*window_reg(callee, 0), i1 + l2, "cwp %u: %%o0", cwp);
        cr_expect_eq(*window_reg(callee, 8 + 0), (i1 + l2) << 1, "cwp %u: callee %%l0", cwp);
        /* the callee's %o7 is window callee-1's %i7 */
        cr_expect_eq(*window_reg(callee + NWINDOWS - 1, 7), 0x77u, "cwp %u: callee %%o7", cwp);
        /* nothing else in the file changed */
        unsigned changed[3] = {callee * 16 + 0, callee * 16 + 8,
                               ((callee + NWINDOWS - 1) % NWINDOWS) * 16 + 7};
        for (unsigned k = 0; k < NWINDOWS * 16; k++) {
            if (k == changed[0] || k == changed[1] || k == changed[2]) continue;
            cr_expect_eq(tc->bank[k], before[k], "cwp %u: bank[%u] changed", cwp, k);
        }
    }
}

/* ==== (3) POWER rlwinm / rlwinm. ==== */

enum { PPC_RA, PPC_RS, PPC_CR, PPC_XER };
static const IrGlobal ppc_global_list[] = {
    [PPC_RA] = {"r3", I32, TESTCPU_OFF_W(0)},
    [PPC_RS] = {"r4", I32, TESTCPU_OFF_W(1)},
    [PPC_CR] = {"cr", I32, TESTCPU_OFF_W(2)},
    [PPC_XER] = {"xer", I32, TESTCPU_OFF_W(3)},
};
static const IrGlobalTable ppc_globals = {ppc_global_list, 4};

/* MASK(mb, me) in IBM bit numbering (bit 0 = most significant): ones from
 * mb to me, wrapping around when mb > me (Power ISA Book I §3.3.14). */
static uint32_t ppc_mask(unsigned mb, unsigned me)
{
    uint32_t from_mb = UINT32_MAX >> mb, to_me = UINT32_MAX << (31 - me);
    return mb <= me ? from_mb & to_me : from_mb | to_me;
}

/* rlwinm[.] rA, rS, sh, mb, me: the frontend folds the mask at translation.
 * The record form sets CR0 = LT GT EQ SO from the result (Book I §3.3.7). */
static IrBlock *ppc_rlwinm_block(unsigned sh, unsigned mb, unsigned me, bool record)
{
    IrBlock *b = ir_block_new(&ppc_globals);
    ir_insn_start(b, 0x100, 0, 0);
    IrVal ra = ir_global(PPC_RA), cr = ir_global(PPC_CR);
    ir_op2(b, IR_rotl, I32, ra, ir_global(PPC_RS), ir_i32(b, sh));
    ir_op2(b, IR_and, I32, ra, ra, ir_i32(b, ppc_mask(mb, me)));
    if (record) {
        IrVal cr0 = ir_temp(b, I32), bit = ir_temp(b, I32), zero = ir_i32(b, 0);
        ir_extract(b, IR_extract, I32, cr0, ir_global(PPC_XER), 31, 1); /* SO */
        ir_setcond(b, I32, IR_EQ, bit, ra, zero);
        ir_deposit(b, I32, cr0, cr0, bit, 1, 1);
        ir_setcond(b, I32, IR_GT, bit, ra, zero);
        ir_deposit(b, I32, cr0, cr0, bit, 2, 1);
        ir_setcond(b, I32, IR_LT, bit, ra, zero);
        ir_deposit(b, I32, cr0, cr0, bit, 3, 1);
        ir_deposit(b, I32, cr, cr, cr0, 28, 4); /* CR0 is the top nibble */
    }
    ir_exit_tb(b, IR_EXIT_NORMAL);
    return b;
}

Test(isa_cases, power_rlwinm)
{
    enum { LT = 8, GT = 4, EQ = 2, SO = 1 };
    static const struct {
        uint32_t rs;
        unsigned sh, mb, me;
        uint32_t xer, ra, cr0;
    } cases[] = {
        {0x12345678, 8, 24, 31, 0, 0x00000012, GT},      /* extrwi: top byte */
        {0x12345678, 0, 0, 31, 0, 0x12345678, GT},       /* full mask */
        {0x12345678, 4, 28, 3, 0, 0x20000001, GT},       /* wrap-around mask */
        {0x80000001, 0, 0, 0, 0, 0x80000000, LT},        /* single top bit */
        {0xffff0000, 16, 16, 31, 0, 0x0000ffff, GT},     /* rotate into the low half */
        {0x0000ff00, 0, 24, 31, 0x80000000, 0, EQ | SO}, /* zero result, SO copied */
        {0x00000001, 31, 0, 0, 0x80000000, 0x80000000, LT | SO},
        {0xdeadbeef, 16, 8, 7, 0, 0xbeefdead, LT}, /* mb = me + 1: all ones */
        {0xdeadbeef, 0, 31, 0, 0, 0xdeadbeef & 0x80000001, LT},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (int record = 0; record < 2; record++) {
            tc->w[PPC_RS] = cases[i].rs;
            tc->w[PPC_XER] = cases[i].xer;
            tc->w[PPC_CR] = 0xfabcdef0;
            run_ok(ppc_rlwinm_block(cases[i].sh, cases[i].mb, cases[i].me, record));
            cr_expect_eq(tc->w[PPC_RA], cases[i].ra, "case %zu: ra 0x%08x", i, tc->w[PPC_RA]);
            uint32_t want_cr = record ? (cases[i].cr0 << 28) | 0x0abcdef0 : 0xfabcdef0;
            cr_expect_eq(tc->w[PPC_CR], want_cr, "case %zu record %d: cr 0x%08x", i, record,
                         tc->w[PPC_CR]);
        }
    }
}

/* ==== (4) S/370 BXLE ==== */

/* General registers 0-15 are 32-bit; the pc global holds the PSW address. */
static const IrGlobal s370_global_list[] = {
    {"r0", I32, TESTCPU_OFF_W(0)},
    {"r1", I32, TESTCPU_OFF_W(1)},
    {"r2", I32, TESTCPU_OFF_W(2)},
    {"r3", I32, TESTCPU_OFF_W(3)},
    {"r4", I32, TESTCPU_OFF_W(4)},
    {"r5", I32, TESTCPU_OFF_W(5)},
    {"r6", I32, TESTCPU_OFF_W(6)},
    {"r7", I32, TESTCPU_OFF_W(7)},
    {"r8", I32, TESTCPU_OFF_W(8)},
    {"r9", I32, TESTCPU_OFF_W(9)},
    {"r10", I32, TESTCPU_OFF_W(10)},
    {"r11", I32, TESTCPU_OFF_W(11)},
    {"r12", I32, TESTCPU_OFF_W(12)},
    {"r13", I32, TESTCPU_OFF_W(13)},
    {"r14", I32, TESTCPU_OFF_W(14)},
    {"r15", I32, TESTCPU_OFF_W(15)},
    {"psw_addr", I64, offsetof(CPUState, pc)},
};
static const IrGlobalTable s370_globals = {s370_global_list, 17};
#define S370_PSW_ADDR ir_global(16)

/* BXLE R1,R3,D2(B2) at pc, 4 bytes (PoO GA22-7000, "Branch on Index Low or
 * Equal"): the increment is R3; the compare value is the odd register of
 * the pair, R3 | 1 (R3 itself when odd).  Both are fetched before the sum
 * is placed in R1, which matters when R1 is the compare register.  The
 * comparison is signed; 24-bit addressing for the branch address. */
static IrBlock *s370_bxle_block(uint64_t pc, unsigned r1, unsigned r3, unsigned b2, unsigned d2)
{
    IrBlock *b = ir_block_new(&s370_globals);
    ir_insn_start(b, pc, 0, 0);
    IrVal incr = ir_temp(b, I32), compare = ir_temp(b, I32), target = ir_temp(b, I32);
    ir_mov(b, I32, incr, ir_global(r3));
    ir_mov(b, I32, compare, ir_global(r3 | 1));
    if (b2)
        ir_op2(b, IR_add, I32, target, ir_global(b2), ir_i32(b, d2));
    else
        ir_mov(b, I32, target, ir_i32(b, d2));
    ir_op2(b, IR_and, I32, target, target, ir_i32(b, 0x00ffffff));
    ir_op2(b, IR_add, I32, ir_global(r1), ir_global(r1), incr);
    uint32_t taken = ir_label_new(b);
    ir_brcond(b, I32, IR_LE, ir_global(r1), compare, taken);
    ir_mov(b, I64, S370_PSW_ADDR, ir_i64(b, (pc + 4) & 0xffffff));
    ir_goto_tb(b, 0);
    ir_label(b, taken);
    ir_op1(b, IR_zext, I64, S370_PSW_ADDR, target);
    ir_goto_tb(b, 1);
    return b;
}

Test(isa_cases, s370_bxle)
{
    static const struct {
        unsigned r1, r3;
        uint32_t v1, v3, v3odd; /* initial R1, R3, and R3|1 when distinct */
        bool taken;
        uint32_t new_r1;
    } cases[] = {
        {2, 4, 9, 1, 10, true, 10},                 /* 10 <= 10 */
        {2, 4, 10, 1, 10, false, 11},               /* 11 > 10 */
        {2, 4, 1, (uint32_t)-1, 0, true, 0},        /* counting down to 0 */
        {2, 4, 0x7fffffff, 1, 0, true, 0x80000000}, /* wraps negative: signed compare */
        {2, 4, 5, 1, (uint32_t)-1, false, 6},       /* 6 > -1 signed (not unsigned) */
        {2, 3, (uint32_t)-2, 5, 5, true, 3},        /* odd R3: increment = compare = R3 */
        {3, 3, 5, 5, 5, false, 10},                 /* R1 = R3 odd: compare is old 5 */
        {3, 3, (uint32_t)-4, (uint32_t)-4, 0, true, (uint32_t)-8},
        {5, 4, 3, 2, 3, false, 5}, /* R1 = R3|1: compare is old 3 */
        {5, 4, 3, (uint32_t)-1, 3, true, 2},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        tc->w[cases[i].r3 | 1] = cases[i].v3odd;
        tc->w[cases[i].r3] = cases[i].v3;
        tc->w[cases[i].r1] = cases[i].v1;
        tc->w[12] = 0xab001000; /* base: the top byte is outside 24-bit addressing */
        uint32_t r12 = tc->w[12];
        run_ok(s370_bxle_block(0x2000, cases[i].r1, cases[i].r3, 12, 0x123));
        cr_expect_eq(tc->last_exit.slot, cases[i].taken ? 1 : 0, "case %zu: branch", i);
        cr_expect_eq(tc->cpu.pc, cases[i].taken ? 0x001123u : 0x2004u, "case %zu: pc 0x%" PRIx64, i,
                     tc->cpu.pc);
        cr_expect_eq(tc->w[cases[i].r1], cases[i].new_r1, "case %zu: R1 0x%08x", i,
                     tc->w[cases[i].r1]);
        cr_expect_eq(tc->w[12], r12);
    }
    /* B2 = 0 means no base register */
    tc->w[2] = 0;
    tc->w[4] = 1;
    tc->w[5] = 5;
    run_ok(s370_bxle_block(0x2000, 2, 4, 0, 0x800));
    cr_expect_eq(tc->cpu.pc, 0x800u);
}
