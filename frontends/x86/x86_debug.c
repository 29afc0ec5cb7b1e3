/*
 * Debug-register breakpoints (SDM Vol 3 §18.2-18.3): instruction
 * breakpoints (faults, with EFLAGS.RF), data write and read/write
 * breakpoints (traps after the instruction), and the #DB trap that
 * single step (EFLAGS.TF) shares with them.
 *
 * Design:
 *   - Instruction breakpoints: while DR7 enables one (X86_TBF_HWBP),
 *     each instruction starts with a call of x86_helper_insn_bp, which
 *     compares the linear pc with the enabled addresses.  Blocks keep
 *     several instructions: the check is per instruction anyway, and
 *     only EFLAGS.RF needs a one-instruction block (X86_TBF_RF), since
 *     RF covers exactly the next instruction.
 *   - Data breakpoints (X86_TBF_DBP): the pages they cover never stay in
 *     the soft TLB for reads and writes (x86_dbp_translate sets no_tlb),
 *     so every access to them, from lifted code or from C helpers
 *     (interrupt frames, REP strings, FXSAVE...), walks and is recorded.
 *     The walk knows only where the access starts, so lifted loads and
 *     stores, whose size is known, also record through
 *     x86_helper_dbp_access (an access starting before a breakpoint and
 *     reaching into it).  Hits are pending in the cpu until the trap:
 *     block exits call x86_debug_trap, and every instruction of a DBP
 *     block first checks for hits left by the one before it (exits of
 *     other files' lifters, such as far jumps, do not call it).
 *   - The trap sets DR6.Bn for the hits and DR6.BS for single step in
 *     the same #DB (SDM Vol 3 §18.2.3: several conditions may be
 *     reported at once).
 *   - Probe walks (gdb, monitor, the translator) never record.
 *
 * Not done: I/O breakpoints (R/W = 10 with CR4.DE), task-switch traps
 * (DR6.BT), LEN = 10 (8 bytes, undefined on the P6 family) is taken as
 * 8 bytes as later processors do.
 */
#include "frontends/x86/x86_debug.h"

#include "frontends/x86/x86_sysrt.h"

/* DR7 fields of breakpoint n (SDM Vol 3 §18.2.4 figure 18-1). */
static bool dr7_enabled(uint32_t dr7, unsigned n)
{
    return ((dr7 >> (2 * n)) & 3) != 0; /* Ln or Gn */
}

static unsigned dr7_rw(uint32_t dr7, unsigned n)
{
    return (dr7 >> (16 + 4 * n)) & 3;
}

/* LEN: 00 one byte, 01 two, 11 four, 10 eight (§18.2.5). */
static unsigned dr7_len(uint32_t dr7, unsigned n)
{
    static const uint8_t bytes[4] = {1, 2, 8, 4};
    return bytes[(dr7 >> (18 + 4 * n)) & 3];
}

enum { RW_EXEC = 0, RW_WRITE = 1, RW_IO = 2, RW_READ_WRITE = 3 };

static bool dr7_is_data(uint32_t dr7, unsigned n)
{
    unsigned rw = dr7_rw(dr7, n);
    return dr7_enabled(dr7, n) && (rw == RW_WRITE || rw == RW_READ_WRITE);
}

bool x86_dr7_has_insn_bp(uint32_t dr7)
{
    for (unsigned n = 0; n < 4; n++)
        if (dr7_enabled(dr7, n) && dr7_rw(dr7, n) == RW_EXEC) return true;
    return false;
}

bool x86_dr7_has_data_bp(uint32_t dr7)
{
    for (unsigned n = 0; n < 4; n++)
        if (dr7_is_data(dr7, n)) return true;
    return false;
}

/* The bytes breakpoint n covers: the address bits below LEN are
 * ignored, so the range is aligned (§18.2.5). */
static void dbp_range(const X86CPU *cpu, unsigned n, uint32_t *lo, uint32_t *hi)
{
    uint32_t len = dr7_len(cpu->dr[7], n);
    *lo = cpu->dr[n] & ~(len - 1);
    *hi = *lo + (len - 1);
}

uint32_t x86_dbp_match(const X86CPU *cpu, uint32_t linear, unsigned size, bool write)
{
    const uint32_t dr7 = cpu->dr[7];
    const uint64_t first = linear, last = first + (size ? size - 1 : 0);
    uint32_t hits = 0;
    for (unsigned n = 0; n < 4; n++) {
        if (!dr7_is_data(dr7, n) || (!write && dr7_rw(dr7, n) == RW_WRITE)) continue;
        uint32_t lo, hi;
        dbp_range(cpu, n, &lo, &hi);
        /* An access wrapping at 4 GiB also covers [0, last - 2^32]. */
        if ((first <= hi && last >= lo) || (last > UINT32_MAX && last - UINT32_MAX - 1 >= lo))
            hits |= 1u << n;
    }
    return hits;
}

void x86_dbp_record(X86CPU *cpu, uint32_t linear, unsigned size, bool write)
{
    uint32_t hits = x86_dbp_match(cpu, linear, size, write);
    if (!hits) return;
    cpu->dr_pending |= hits;
    cpu_exit(&cpu->common);
}

void x86_dbp_translate(X86CPU *cpu, uint32_t va, MMUAccess access, bool probe, MMUResult *res)
{
    if (!(cpu->hflags & X86_TBF_DBP)) return;
    const uint32_t page = va & ~0xfffu, page_end = page | 0xfffu;
    bool watched = false;
    for (unsigned n = 0; n < 4 && !watched; n++) {
        if (!dr7_is_data(cpu->dr[7], n)) continue;
        uint32_t lo, hi;
        dbp_range(cpu, n, &lo, &hi);
        watched = lo <= page_end && hi >= page;
    }
    if (!watched) return;
    /* Fetches may stay cached; reads and writes of the page must walk. */
    res->prot &= ~(MMU_PROT_READ | MMU_PROT_WRITE);
    if (access == MMU_EXEC) return;
    res->no_tlb = true;
    if (!probe) x86_dbp_record(cpu, va, 1, access == MMU_WRITE);
}

void x86_debug_trap(X86CPU *cpu, bool single_step, bool repeat)
{
    uint32_t bits = cpu->dr_pending & X86_DR6_B_MASK;
    if (single_step) bits |= X86_DR6_BS;
    if (!bits) return;
    cpu->dr_pending = 0;
    cpu->dr[6] |= bits;
    /* A trap after an iteration of a REP string instruction that is not
     * the last pushes RF = 1 (§18.3.1.1), so an instruction breakpoint
     * on it does not fire again when it resumes. */
    if (repeat) cpu->eflags |= X86_RF;
    x86_set_exception(cpu, X86_EXCP_DB, false, 0);
    cpu_loop_exit(&cpu->common);
}

/* ---- IR helpers ---- */

/* §18.3.1.1: a fault before the instruction, unless RF is set; the
 * saved EIP is the instruction's (pc, written by x86_gen_call).  RF is
 * pushed as it is (0). */
static uint64_t x86_insn_bp_fn(CPUState *c)
{
    X86CPU *cpu = x86_cpu(c);
    if (cpu->eflags & X86_RF) return 0;
    const uint32_t dr7 = cpu->dr[7], linear = (uint32_t)c->pc;
    uint32_t hits = 0;
    for (unsigned n = 0; n < 4; n++)
        if (dr7_enabled(dr7, n) && dr7_rw(dr7, n) == RW_EXEC && cpu->dr[n] == linear)
            hits |= 1u << n;
    if (!hits) return 0;
    cpu->dr[6] |= hits;
    x86_raise_exception(cpu, X86_EXCP_DB);
}
const IrHelper x86_helper_insn_bp = {
    .name = "x86_insn_bp",
    .fn = (void (*)(void))x86_insn_bp_fn,
    .flags = IR_CALL_READS_STATE | IR_CALL_MAY_RAISE,
    .ret = IR_VOID,
    .nargs = 0,
};

static uint64_t x86_dbp_access_fn(CPUState *c, uint64_t linear, uint64_t size_write)
{
    x86_dbp_record(x86_cpu(c), (uint32_t)linear, (unsigned)(size_write & 0xff),
                   (size_write >> 8) & 1);
    return 0;
}
X86_HELPER(x86_helper_dbp_access, x86_dbp_access_fn, IR_CALL_READS_STATE, IR_VOID, 2, IR_I32,
           IR_I32);

static uint64_t x86_debug_trap_fn(CPUState *c, uint64_t kind)
{
    x86_debug_trap(x86_cpu(c), kind & X86_DEBUG_TRAP_SINGLE_STEP, kind & X86_DEBUG_TRAP_REPEAT);
    return 0;
}
X86_HELPER(x86_helper_debug_trap, x86_debug_trap_fn,
           IR_CALL_READS_STATE | IR_CALL_WRITES_STATE | IR_CALL_MAY_RAISE, IR_VOID, 1, IR_I32);
