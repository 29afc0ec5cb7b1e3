/*
 * x86 instruction group "system": segment registers and far transfers
 * (lifters in x86_insn_segment.c), software interrupts, CLI STI HLT,
 * port I/O, descriptor-table and control/debug registers, CPUID, TSC,
 * MSRs, SYSENTER/SYSEXIT and WAIT (SDM Vol 2 for each instruction, Vol 3
 * for the protection rules).
 *
 * Privilege: lines marked X86F_PRIV need CPL 0 (#GP(0) from the
 * translator); real mode runs at CPL 0 and virtual-8086 mode at CPL 3.
 * Instructions with a #UD-before-#GP order or IOPL rules check in their
 * lifter from the TB flags (CPL, PE, VM86 and IOPL are all in the key),
 * so the common cases (CLI at CPL 0, I/O with enough privilege) need no
 * helper checks at run time.
 */
#include <stddef.h>

#include "core/log.h"
#include "frontends/x86/x86_core.h"
#include "frontends/x86/x86_internal.h"
#include "frontends/x86/x86_io.h"
#include "frontends/x86/x86_sysrt.h"
#include "frontends/x86/x86_system.h"

/* x86_fpu.c (the x87 part): #MF if an unmasked x87 exception is pending
 * (SDM Vol 1 §8.6 "x87 FPU Exception Synchronization").  PROPOSED for
 * x86_internal.h. */
void x86_fpu_check_pending(X86CPU *cpu);

/* ================================================================ */
/* Shared pieces                                                     */

void x86_sys_exit_to_pc(X86Disas *d)
{
    if (d->flags & X86_TBF_TF) ir_call(d->b, &x86_helper_single_step, IR_NONE, NULL);
    ir_exit_tb(d->b, IR_EXIT_REQUEST);
    d->state = X86_DISAS_EXITED;
}

bool x86_sys_require_protected(X86Disas *d)
{
    if ((d->flags & X86_TBF_PE) && !(d->flags & X86_TBF_VM86)) return true;
    x86_gen_exception(d, X86_EXCP_UD);
    return false;
}

static unsigned x86_tbf_iopl(uint32_t flags)
{
    return (flags & X86_TBF_IOPL) >> X86_TBF_IOPL_SHIFT;
}

static unsigned x86_iopl(const X86CPU *cpu)
{
    return (cpu->eflags & X86_IOPL) >> X86_IOPL_SHIFT;
}

/* The EIP after the instruction a x86_lift_helper helper runs for (the
 * pc names the instruction itself). */
static uint32_t x86_sys_next_eip(const X86CPU *cpu, uint64_t word)
{
    uint32_t eip = x86_get_eip(cpu) + X86_HW_LEN(word);
    return (cpu->segs[X86_SEG_CS].attr & X86_SEGA_DB) ? eip : eip & 0xffff;
}

/* ================================================================ */
/* Software interrupts and BOUND                                     */

/* INT n, INT3, INTO: in virtual-8086 mode below IOPL 3, INT n (is_int_n)
 * is #GP(0) unless CR4.VME, whose redirection bitmap the interrupt
 * delivery consults (SDM Vol 3 §20.3.3, table 20-2); INT3 and INTO are
 * not IOPL-sensitive. */
static uint64_t x86_helper_swint_fn(CPUState *c, uint64_t vector, uint64_t len, uint64_t is_int_n)
{
    X86CPU *cpu = x86_cpu(c);
    if (is_int_n && (cpu->eflags & X86_VM) && x86_iopl(cpu) < 3 && !(cpu->cr[4] & X86_CR4_VME))
        x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
    x86_raise_software_interrupt(cpu, (int)vector, (unsigned)len);
}
static X86_HELPER(x86_helper_swint, x86_helper_swint_fn,
                  IR_CALL_READS_STATE | IR_CALL_MAY_RAISE | IR_CALL_NORETURN, IR_VOID, 3, IR_I32,
                  IR_I32, IR_I32);

static void x86_gen_swint(X86Disas *d, const X86Insn *in, unsigned vector, bool is_int_n)
{
    IrVal args[3] = {ir_i32(d->b, vector), ir_i32(d->b, in->len), ir_i32(d->b, is_int_n)};
    x86_gen_call(d, &x86_helper_swint, IR_NONE, args);
}

/* CD ib INT n, CC INT3 (arg 3). */
static void x86_lift_int(X86Disas *d, const X86Insn *in)
{
    bool is_int_n = in->nopnds != 0;
    x86_gen_swint(d, in, is_int_n ? (uint32_t)in->op[0].imm & 0xff : 3, is_int_n);
    ir_exit_tb(d->b, IR_EXIT_NORMAL);
    d->state = X86_DISAS_EXITED;
}

/* CE: INTO raises vector 4 if OF is set, else does nothing. */
static void x86_lift_into(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    IrVal of = ir_temp(b, IR_I32);
    ir_op2(b, IR_and, IR_I32, of, x86_gen_compute_flags(d), ir_i32(b, X86_OF));
    uint32_t skip = ir_label_new(b);
    ir_brcond(b, IR_I32, IR_EQ, of, ir_i32(b, 0), skip);
    x86_gen_swint(d, in, X86_EXCP_OF, false);
    ir_label(b, skip);
}

/* F1: INT1/ICEBP, a #DB trap delivered like a hardware exception (no
 * gate DPL check; SDM Vol 3 §6.15 "Interrupt 1"): the saved EIP is the
 * next instruction. */
static uint64_t x86_helper_int1_fn(CPUState *c, uint64_t word, uint64_t unused)
{
    (void)unused;
    X86CPU *cpu = x86_cpu(c);
    x86_set_eip(cpu, x86_sys_next_eip(cpu, word));
    x86_set_exception(cpu, X86_EXCP_DB, false, 0);
    cpu_loop_exit(c); /* no restore: the pc stays past the instruction */
}
static X86_HELPER(x86_helper_int1, x86_helper_int1_fn,
                  IR_CALL_READS_STATE | IR_CALL_WRITES_STATE | IR_CALL_NORETURN, IR_VOID, 2, IR_I64,
                  IR_I32);

/* BOUND: #BR unless lower <= index <= upper, signed, with the bounds
 * pair at linear address lin (already checked for 2 * opsize bytes). */
static uint64_t x86_helper_bound_fn(CPUState *c, uint64_t index, uint64_t lin, uint64_t opsize)
{
    X86CPU *cpu = x86_cpu(c);
    unsigned size = (unsigned)opsize, mmu = x86_data_mmu_idx(cpu);
    uint32_t lo = x86_load_linear(cpu, (uint32_t)lin, size, mmu);
    uint32_t hi = x86_load_linear(cpu, (uint32_t)lin + size, size, mmu);
    int32_t i = (int32_t)index, l = (int32_t)lo, h = (int32_t)hi;
    if (size == 2) i = (int16_t)i, l = (int16_t)l, h = (int16_t)h;
    if (i < l || i > h) x86_raise_exception(cpu, X86_EXCP_BR);
    return 0;
}
static X86_HELPER(x86_helper_bound, x86_helper_bound_fn, IR_CALL_READS_STATE | IR_CALL_MAY_RAISE,
                  IR_VOID, 3, IR_I32, IR_I32, IR_I32);

/* 62: BOUND r, m16&16 / m32&32. */
static void x86_lift_bound(X86Disas *d, const X86Insn *in)
{
    IrVal args[3] = {x86_gen_get_reg(d, in->op[0].reg, in->opsize),
                     x86_gen_mem_linear(d, in, 2 * in->opsize, false), ir_i32(d->b, in->opsize)};
    x86_gen_call(d, &x86_helper_bound, IR_NONE, args);
}

/* ================================================================ */
/* CLI STI HLT                                                       */

/* CLI (set 0) and STI (set 1) where IOPL does not allow IF itself (SDM
 * Vol 2 CLI/STI "Operation" tables): VIF under CR4.VME in virtual-8086
 * mode or CR4.PVI at CPL 3, else #GP(0); STI with VIP set is #GP(0).
 * Setting IF from 0 opens the interrupt shadow of one instruction. */
static uint64_t x86_helper_cli_sti_fn(CPUState *c, uint64_t set)
{
    X86CPU *cpu = x86_cpu(c);
    uint32_t ef = cpu->eflags, bit = X86_IF;
    if (cpu->cr[0] & X86_CR0_PE) {
        bool vm86 = ef & X86_VM;
        unsigned iopl = x86_iopl(cpu), cpl = x86_cpl(cpu);
        if (vm86 ? iopl < 3 : iopl < cpl) {
            bool virt =
                vm86 ? (cpu->cr[4] & X86_CR4_VME) != 0 : cpl == 3 && (cpu->cr[4] & X86_CR4_PVI);
            if (!virt || (set && (ef & X86_VIP))) x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
            bit = X86_VIF;
        }
    }
    if (set && bit == X86_IF && !(ef & X86_IF)) cpu->inhibit_irq = true;
    cpu->eflags = set ? ef | bit : ef & ~bit;
    return 0;
}
static X86_HELPER(x86_helper_cli_sti, x86_helper_cli_sti_fn, X86_SYS_HELPER_FLAGS, IR_VOID, 1,
                  IR_I32);

/* Whether IOPL lets the current mode change IF directly: always in real
 * mode, IOPL >= CPL in protected mode, IOPL 3 in virtual-8086 mode. */
static bool x86_iopl_allows_if(uint32_t flags)
{
    if (!(flags & X86_TBF_PE)) return true;
    unsigned iopl = x86_tbf_iopl(flags);
    return (flags & X86_TBF_VM86) ? iopl == 3 : iopl >= (flags & X86_TBF_CPL);
}

/* FA CLI (arg 0), FB STI (arg 1).  CLI with enough privilege clears IF
 * inline; STI ends the block so the shadow and then pending interrupts
 * are seen. */
static void x86_lift_cli_sti(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    bool set = in->def->arg != 0;
    if (!set && x86_iopl_allows_if(d->flags)) {
        IrVal ef = ir_temp(b, IR_I32);
        ir_ld_env(b, IR_I32, ef, IR_ENV, (int64_t)offsetof(X86CPU, eflags), IR_MO_32);
        ir_op2(b, IR_and, IR_I32, ef, ef, ir_i32(b, ~(uint32_t)X86_IF));
        ir_st_env(b, IR_I32, ef, IR_ENV, (int64_t)offsetof(X86CPU, eflags), IR_MO_32);
        return;
    }
    IrVal arg = ir_i32(b, set);
    x86_gen_call(d, &x86_helper_cli_sti, IR_NONE, &arg);
    if (set) x86_gen_end_block(d);
}

/* F4: HLT (CPL 0 by X86F_PRIV): the halted state is entered with EIP
 * past the HLT (the runtime adds the length), so the interrupt that ends
 * it returns there. */
static uint64_t x86_helper_hlt_fn(CPUState *c, uint64_t word, uint64_t unused)
{
    (void)unused;
    x86_raise_software_interrupt(x86_cpu(c), X86_EXCP_HLT, X86_HW_LEN(word));
}
static X86_HELPER(x86_helper_hlt, x86_helper_hlt_fn,
                  IR_CALL_READS_STATE | IR_CALL_MAY_RAISE | IR_CALL_NORETURN, IR_VOID, 2, IR_I64,
                  IR_I32);

/* ================================================================ */
/* Port I/O                                                          */

void x86_check_io(X86CPU *cpu, uint16_t port, unsigned size)
{
    if (!(cpu->cr[0] & X86_CR0_PE)) return;
    if (!(cpu->eflags & X86_VM) && x86_cpl(cpu) <= x86_iopl(cpu)) return;
    /* Only a 32-bit TSS has the bitmap; its offset is the word at byte
     * 102, and both bytes covering the access must lie within the TSS
     * limit (SDM Vol 1 §19.5.2). */
    unsigned type = cpu->tr.attr & X86_SEGA_TYPE;
    if ((type == X86_SYS_TSS32_AVAIL || type == X86_SYS_TSS32_BUSY) && cpu->tr.limit >= 103) {
        uint32_t base = (uint32_t)cpu->tr.base;
        uint32_t offset = x86_load_linear(cpu, base + 102, 2, X86_MMU_KERNEL) + port / 8u;
        if (offset + 1 <= cpu->tr.limit) {
            uint32_t bits = x86_load_linear(cpu, base + offset, 2, X86_MMU_KERNEL);
            if (!((bits >> (port & 7)) & ((1u << size) - 1))) return;
        }
    }
    x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
}

static uint64_t x86_helper_in_fn(CPUState *c, uint64_t port, uint64_t size, uint64_t check)
{
    X86CPU *cpu = x86_cpu(c);
    if (check) x86_check_io(cpu, (uint16_t)port, (unsigned)size);
    return x86_port_read(cpu, (uint16_t)port, (unsigned)size);
}
static X86_HELPER(x86_helper_in, x86_helper_in_fn, IR_CALL_READS_STATE | IR_CALL_MAY_RAISE, IR_I32,
                  3, IR_I32, IR_I32, IR_I32);

static uint64_t x86_helper_out_fn(CPUState *c, uint64_t port, uint64_t value, uint64_t size,
                                  uint64_t check)
{
    X86CPU *cpu = x86_cpu(c);
    if (check) x86_check_io(cpu, (uint16_t)port, (unsigned)size);
    x86_port_write(cpu, (uint16_t)port, (uint32_t)value, (unsigned)size);
    return 0;
}
static X86_HELPER(x86_helper_out, x86_helper_out_fn, IR_CALL_READS_STATE | IR_CALL_MAY_RAISE,
                  IR_VOID, 4, IR_I32, IR_I32, IR_I32, IR_I32);

enum {
    X86_IO_OUT = 1, /* OUT (else IN) */
    X86_IO_DX = 2,  /* port in DX (else an immediate byte) */
};

/* E4-E7, EC-EF: IN and OUT with AL/AX/EAX.  The bitmap check runs only
 * where the TB flags say it may be needed (CPL > IOPL, or vm86).  A
 * device access may raise an interrupt line: the block ends after it. */
static void x86_lift_in_out(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    unsigned mode = (unsigned)in->def->arg;
    bool out = mode & X86_IO_OUT;
    const X86Operand *data = &in->op[out ? 1 : 0], *port_op = &in->op[out ? 0 : 1];
    unsigned size = data->size;
    IrVal port = (mode & X86_IO_DX) ? x86_gen_get_reg(d, X86_EDX, 2)
                                    : ir_i32(b, (uint32_t)port_op->imm & 0xff);
    uint32_t f = d->flags;
    bool check = (f & X86_TBF_PE) && ((f & X86_TBF_VM86) || (f & X86_TBF_CPL) > x86_tbf_iopl(f));
    if (out) {
        IrVal args[4] = {port, x86_gen_get_reg(d, X86_EAX, size), ir_i32(b, size),
                         ir_i32(b, check)};
        x86_gen_call(d, &x86_helper_out, IR_NONE, args);
    } else {
        IrVal v = ir_temp(b, IR_I32);
        IrVal args[3] = {port, ir_i32(b, size), ir_i32(b, check)};
        x86_gen_call(d, &x86_helper_in, v, args);
        x86_gen_set_reg(d, X86_EAX, size, v);
    }
    x86_gen_end_block(d);
}

/* ================================================================ */
/* Control and debug registers                                       */

#define X86_CR0_DEFINED                                                                            \
    (X86_CR0_PE | X86_CR0_MP | X86_CR0_EM | X86_CR0_TS | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP |    \
     X86_CR0_AM | X86_CR0_NW | X86_CR0_CD | X86_CR0_PG)
#define X86_CR4_DEFINED                                                                            \
    (X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | X86_CR4_DE | X86_CR4_PSE | X86_CR4_PAE |            \
     X86_CR4_MCE | X86_CR4_PGE | X86_CR4_PCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT)

/* CR0 from MOV CR0 and LMSW: PG without PE and NW without CD are #GP(0)
 * (SDM Vol 2 MOV—Move to/from Control Registers); undefined bits are
 * ignored and ET is hardwired to 1 (SDM Vol 3 §2.5).  Changes of PG, WP
 * or PE change every translation. */
static bool x86_write_cr0(X86CPU *cpu, uint32_t value)
{
    uint32_t v = (value & X86_CR0_DEFINED) | X86_CR0_ET;
    if ((v & X86_CR0_PG) && !(v & X86_CR0_PE)) return false;
    if ((v & X86_CR0_NW) && !(v & X86_CR0_CD)) return false;
    uint32_t old = cpu->cr[0];
    cpu->cr[0] = v;
    if ((old ^ v) & (X86_CR0_PG | X86_CR0_WP | X86_CR0_PE)) x86_tlb_flush(cpu, false);
    x86_update_hflags(cpu);
    return true;
}

/* MOV CRn, r32 for CR0, CR2, CR3, CR4.  A CR3 load keeps global pages
 * when CR4.PGE is set (SDM Vol 3 §4.10.4.1); a CR4 reserved bit is
 * #GP(0), and a change of PSE, PAE or PGE flushes everything. */
bool x86_write_cr(X86CPU *cpu, unsigned n, uint32_t v)
{
    switch (n) {
    case 0: return x86_write_cr0(cpu, v);
    case 2: cpu->cr[2] = v; return true;
    case 3:
        cpu->cr[3] = v;
        x86_tlb_flush(cpu, (cpu->cr[4] & X86_CR4_PGE) != 0);
        return true;
    case 4: {
        if (v & ~X86_CR4_DEFINED) return false;
        uint32_t old = cpu->cr[4];
        cpu->cr[4] = v;
        if ((old ^ v) & (X86_CR4_PSE | X86_CR4_PAE | X86_CR4_PGE)) x86_tlb_flush(cpu, false);
        x86_update_hflags(cpu);
        return true;
    }
    default: return false;
    }
}

/* CR2 is stored inline by the lifter; the others come here. */
static uint64_t x86_helper_write_cr_fn(CPUState *c, uint64_t n, uint64_t value)
{
    X86CPU *cpu = x86_cpu(c);
    if (!x86_write_cr(cpu, (unsigned)n, (uint32_t)value))
        x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
    return 0;
}
static X86_HELPER(x86_helper_write_cr, x86_helper_write_cr_fn, X86_SYS_HELPER_FLAGS, IR_VOID, 2,
                  IR_I32, IR_I32);

static bool x86_cr_exists(unsigned n)
{
    return n == 0 || (n >= 2 && n <= 4);
}

/* 0F 20: MOV r32, CRn; 0F 22: MOV CRn, r32 (arg 1).  CR1 and CR5-CR7
 * are #UD. */
static void x86_lift_mov_cr(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    bool to_cr = in->def->arg != 0;
    unsigned n = in->op[to_cr ? 0 : 1].reg, gpr = in->op[to_cr ? 1 : 0].reg;
    if (!x86_cr_exists(n)) {
        x86_gen_exception(d, X86_EXCP_UD);
        return;
    }
    int64_t off = (int64_t)offsetof(X86CPU, cr[0]) + 4 * (int64_t)n;
    if (!to_cr) {
        IrVal v = ir_temp(b, IR_I32);
        ir_ld_env(b, IR_I32, v, IR_ENV, off, IR_MO_32);
        x86_gen_set_reg(d, gpr, 4, v);
        return;
    }
    IrVal v = x86_gen_get_reg(d, gpr, 4);
    if (n == 2) {
        ir_st_env(b, IR_I32, v, IR_ENV, off, IR_MO_32);
        return;
    }
    IrVal args[2] = {ir_i32(b, n), v};
    x86_gen_call(d, &x86_helper_write_cr, IR_NONE, args);
    x86_gen_end_block(d);
}

/* 0F 01 /6: LMSW r/m16 loads PE MP EM TS, and cannot clear PE (SDM Vol 2
 * LMSW). */
static uint64_t x86_helper_lmsw_fn(CPUState *c, uint64_t value)
{
    X86CPU *cpu = x86_cpu(c);
    uint32_t msw = X86_CR0_PE | X86_CR0_MP | X86_CR0_EM | X86_CR0_TS;
    uint32_t cr0 = cpu->cr[0];
    if (!x86_write_cr0(cpu, (cr0 & ~msw) | ((uint32_t)value & msw) | (cr0 & X86_CR0_PE)))
        x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
    return 0;
}
static X86_HELPER(x86_helper_lmsw, x86_helper_lmsw_fn, X86_SYS_HELPER_FLAGS, IR_VOID, 1, IR_I32);

static void x86_lift_lmsw(X86Disas *d, const X86Insn *in)
{
    IrVal v = x86_gen_read_operand(d, in, 0);
    x86_gen_call(d, &x86_helper_lmsw, IR_NONE, &v);
    x86_gen_end_block(d);
}

/* 0F 01 /4: SMSW r/m16, r32: CR0 (all of it into a 32-bit register). */
static void x86_lift_smsw(X86Disas *d, const X86Insn *in)
{
    IrVal v = ir_temp(d->b, IR_I32);
    ir_ld_env(d->b, IR_I32, v, IR_ENV, (int64_t)offsetof(X86CPU, cr[0]), IR_MO_32);
    x86_sys_write_word_operand(d, in, 0, v);
}

/* 0F 06: CLTS clears CR0.TS (in the TB flags). */
static uint64_t x86_helper_clts_fn(CPUState *c, uint64_t word, uint64_t unused)
{
    (void)word, (void)unused;
    X86CPU *cpu = x86_cpu(c);
    cpu->cr[0] &= ~X86_CR0_TS;
    x86_update_hflags(cpu);
    return 0;
}
static X86_HELPER(x86_helper_clts, x86_helper_clts_fn, IR_CALL_READS_STATE | IR_CALL_WRITES_STATE,
                  IR_VOID, 2, IR_I64, IR_I32);

/* 0F 01 /7: INVLPG m (no access, so no segment check; the base is
 * added). */
static uint64_t x86_helper_invlpg_fn(CPUState *c, uint64_t linear)
{
    x86_tlb_flush_page(x86_cpu(c), (uint32_t)linear);
    return 0;
}
static X86_HELPER(x86_helper_invlpg, x86_helper_invlpg_fn, IR_CALL_READS_STATE, IR_VOID, 1, IR_I32);

static void x86_lift_invlpg(X86Disas *d, const X86Insn *in)
{
    IrVal lin = x86_gen_linear(d, in->mem.seg, x86_gen_ea_offset(d, in), 0, false);
    x86_gen_call(d, &x86_helper_invlpg, IR_NONE, &lin);
    x86_gen_end_block(d);
}

/* Debug registers (SDM Vol 3 §17.2): DR4/DR5 alias DR6/DR7 unless
 * CR4.DE (then #UD); DR7.GD makes any access a #DB fault with DR6.BD
 * set and GD cleared (§17.2.4). */
enum {
    X86_DR6_BD = 1u << 13,
    X86_DR7_GD = 1u << 13,
    X86_DR6_FIXED1 = 0xffff0ff0u, /* bits 4-11, 16-31 read as 1 (P6) */
    X86_DR6_WRITABLE = 0x0000e00fu,
    X86_DR7_FIXED1 = 0x00000400u,
    X86_DR7_WRITABLE = 0xffff23ffu,
};

static unsigned x86_dr_index(X86CPU *cpu, unsigned n)
{
    if (n == 4 || n == 5) {
        if (cpu->cr[4] & X86_CR4_DE) x86_raise_exception(cpu, X86_EXCP_UD);
        n += 2;
    }
    if (cpu->dr[7] & X86_DR7_GD) {
        cpu->dr[6] |= X86_DR6_BD;
        cpu->dr[7] &= ~X86_DR7_GD;
        x86_raise_exception(cpu, X86_EXCP_DB);
    }
    return n;
}

static uint64_t x86_helper_read_dr_fn(CPUState *c, uint64_t n)
{
    X86CPU *cpu = x86_cpu(c);
    return cpu->dr[x86_dr_index(cpu, (unsigned)n & 7)];
}
static X86_HELPER(x86_helper_read_dr, x86_helper_read_dr_fn, X86_SYS_HELPER_FLAGS, IR_I32, 1,
                  IR_I32);

static uint64_t x86_helper_write_dr_fn(CPUState *c, uint64_t n, uint64_t value)
{
    X86CPU *cpu = x86_cpu(c);
    x86_write_dr(cpu, x86_dr_index(cpu, (unsigned)n & 7), (uint32_t)value);
    return 0;
}

void x86_write_dr(X86CPU *cpu, unsigned i, uint32_t v)
{
    if (i == 6) v = (v & X86_DR6_WRITABLE) | X86_DR6_FIXED1;
    if (i == 7) v = (v & X86_DR7_WRITABLE) | X86_DR7_FIXED1;
    cpu->dr[i & 7] = v;
    x86_update_hflags(cpu); /* DR7 decides X86_TBF_HWBP */
}
static X86_HELPER(x86_helper_write_dr, x86_helper_write_dr_fn, X86_SYS_HELPER_FLAGS, IR_VOID, 2,
                  IR_I32, IR_I32);

/* 0F 21: MOV r32, DRn; 0F 23: MOV DRn, r32 (arg 1). */
static void x86_lift_mov_dr(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    bool to_dr = in->def->arg != 0;
    unsigned n = in->op[to_dr ? 0 : 1].reg, gpr = in->op[to_dr ? 1 : 0].reg;
    if (!to_dr) {
        IrVal v = ir_temp(b, IR_I32), arg = ir_i32(b, n);
        x86_gen_call(d, &x86_helper_read_dr, v, &arg);
        x86_gen_set_reg(d, gpr, 4, v);
        return;
    }
    IrVal args[2] = {ir_i32(b, n), x86_gen_get_reg(d, gpr, 4)};
    x86_gen_call(d, &x86_helper_write_dr, IR_NONE, args);
    x86_gen_end_block(d);
}

/* ================================================================ */
/* CPUID, TSC, MSRs, performance counters                            */

/* The x86_lift_helper shape: (insn word, operand 0 or 0). */
#define X86_SYS_NOARG_HELPER(name_, flags_)                                                        \
    static X86_HELPER(x86_helper_##name_, x86_helper_##name_##_fn, flags_, IR_VOID, 2, IR_I64,     \
                      IR_I32)

static void x86_set_edx_eax(X86CPU *cpu, uint64_t v)
{
    cpu->regs[X86_EAX] = (uint32_t)v;
    cpu->regs[X86_EDX] = (uint32_t)(v >> 32);
}

static uint64_t x86_helper_cpuid_fn(CPUState *c, uint64_t word, uint64_t unused)
{
    (void)word, (void)unused;
    X86CPU *cpu = x86_cpu(c);
    uint32_t out[4];
    x86_cpuid(cpu, (uint32_t)cpu->regs[X86_EAX], (uint32_t)cpu->regs[X86_ECX], out);
    cpu->regs[X86_EAX] = out[0];
    cpu->regs[X86_EBX] = out[1];
    cpu->regs[X86_ECX] = out[2];
    cpu->regs[X86_EDX] = out[3];
    return 0;
}
X86_SYS_NOARG_HELPER(cpuid, IR_CALL_READS_STATE | IR_CALL_WRITES_STATE);

/* RDTSC: #GP(0) under CR4.TSD outside CPL 0 in protected mode. */
static uint64_t x86_helper_rdtsc_fn(CPUState *c, uint64_t word, uint64_t unused)
{
    (void)word, (void)unused;
    X86CPU *cpu = x86_cpu(c);
    if ((cpu->cr[4] & X86_CR4_TSD) && x86_cpl(cpu) && (cpu->cr[0] & X86_CR0_PE))
        x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
    x86_set_edx_eax(cpu, x86_rdtsc(cpu));
    return 0;
}
X86_SYS_NOARG_HELPER(rdtsc, X86_SYS_HELPER_FLAGS);

static uint64_t x86_helper_rdmsr_fn(CPUState *c, uint64_t word, uint64_t unused)
{
    (void)word, (void)unused;
    X86CPU *cpu = x86_cpu(c);
    uint64_t v;
    if (!x86_rdmsr(cpu, (uint32_t)cpu->regs[X86_ECX], &v))
        x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
    x86_set_edx_eax(cpu, v);
    return 0;
}
X86_SYS_NOARG_HELPER(rdmsr, X86_SYS_HELPER_FLAGS);

static uint64_t x86_helper_wrmsr_fn(CPUState *c, uint64_t word, uint64_t unused)
{
    (void)word, (void)unused;
    X86CPU *cpu = x86_cpu(c);
    uint64_t v = (uint32_t)cpu->regs[X86_EAX] | (uint64_t)(uint32_t)cpu->regs[X86_EDX] << 32;
    if (!x86_wrmsr(cpu, (uint32_t)cpu->regs[X86_ECX], v))
        x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
    return 0;
}
X86_SYS_NOARG_HELPER(wrmsr, X86_SYS_HELPER_FLAGS);

/* RDPMC: CR4.PCE or CPL 0 (or real mode), and a counter this P6 has (0
 * or 1); the counters count nothing, so read 0. */
static uint64_t x86_helper_rdpmc_fn(CPUState *c, uint64_t word, uint64_t unused)
{
    (void)word, (void)unused;
    X86CPU *cpu = x86_cpu(c);
    bool allowed = (cpu->cr[4] & X86_CR4_PCE) || !x86_cpl(cpu) || !(cpu->cr[0] & X86_CR0_PE);
    if (!allowed || (uint32_t)cpu->regs[X86_ECX] > 1) x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
    x86_set_edx_eax(cpu, 0);
    return 0;
}
X86_SYS_NOARG_HELPER(rdpmc, X86_SYS_HELPER_FLAGS);

/* ================================================================ */
/* SYSENTER, SYSEXIT (SDM Vol 2 SYSENTER/SYSEXIT "Operation")        */

/* Flat 4 GiB segments of the given DPL: code execute/read, data
 * read/write, both accessed, 32-bit, page granular. */
static void x86_load_flat(X86CPU *cpu, int seg, uint16_t sel, unsigned dpl, bool code)
{
    uint16_t attr = X86_SEGA_S | X86_SEGA_P | X86_SEGA_DB | X86_SEGA_G | X86_SEGA_ACCESSED |
                    X86_SEGA_WRITABLE | (uint16_t)(dpl << X86_SEGA_DPL_SHIFT) |
                    (code ? X86_SEGA_CODE : 0);
    x86_load_segment_cache(cpu, seg, sel, 0, 0xffffffffu, attr);
}

static uint64_t x86_helper_sysenter_fn(CPUState *c, uint64_t word, uint64_t unused)
{
    (void)word, (void)unused;
    X86CPU *cpu = x86_cpu(c);
    uint16_t cs = (uint16_t)cpu->sysenter_cs;
    if (!(cpu->cr[0] & X86_CR0_PE) || !(cs & 0xfffc)) x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
    cpu->eflags &= ~(uint32_t)(X86_VM | X86_IF | X86_RF);
    x86_load_flat(cpu, X86_SEG_CS, cs & 0xfffc, 0, true);
    x86_load_flat(cpu, X86_SEG_SS, (uint16_t)((cs + 8) & 0xfffc), 0, false);
    cpu->regs[X86_ESP] = cpu->sysenter_esp;
    x86_update_hflags(cpu);
    x86_set_eip(cpu, cpu->sysenter_eip);
    return 0;
}
X86_SYS_NOARG_HELPER(sysenter, X86_SYS_HELPER_FLAGS);

static uint64_t x86_helper_sysexit_fn(CPUState *c, uint64_t word, uint64_t unused)
{
    (void)word, (void)unused;
    X86CPU *cpu = x86_cpu(c);
    uint16_t cs = (uint16_t)cpu->sysenter_cs;
    if (!(cpu->cr[0] & X86_CR0_PE) || !(cs & 0xfffc) || x86_cpl(cpu))
        x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
    x86_load_flat(cpu, X86_SEG_CS, (uint16_t)((cs + 16) | 3), 3, true);
    x86_load_flat(cpu, X86_SEG_SS, (uint16_t)((cs + 24) | 3), 3, false);
    cpu->regs[X86_ESP] = (uint32_t)cpu->regs[X86_ECX];
    x86_update_hflags(cpu);
    x86_set_eip(cpu, (uint32_t)cpu->regs[X86_EDX]);
    return 0;
}
X86_SYS_NOARG_HELPER(sysexit, X86_SYS_HELPER_FLAGS);

/* ================================================================ */
/* WAIT, cache control, not-modelled encodings                       */

static uint64_t x86_helper_fwait_fn(CPUState *c)
{
    x86_fpu_check_pending(x86_cpu(c));
    return 0;
}
static X86_HELPER(x86_helper_fwait, x86_helper_fwait_fn, X86_SYS_HELPER_FLAGS, IR_VOID, 0);

/* 9B: WAIT/FWAIT: #NM when CR0.MP and CR0.TS (SDM Vol 3 §2.5 table
 * 2-2), then any pending unmasked x87 exception (#MF). */
static void x86_lift_wait(X86Disas *d, const X86Insn *in)
{
    (void)in;
    if ((d->flags & X86_TBF_MP) && (d->flags & X86_TBF_TS)) {
        x86_gen_exception(d, X86_EXCP_NM);
        return;
    }
    x86_gen_call(d, &x86_helper_fwait, IR_NONE, NULL);
}

/* INVD, WBINVD: caches are not modelled (privilege is the line's). */
static void x86_lift_nop(X86Disas *d, const X86Insn *in)
{
    (void)d, (void)in;
}

/* 0F AA: RSM outside system-management mode, which this cpu never
 * enters, is #UD (SDM Vol 2 RSM). */
static void x86_lift_ud(X86Disas *d, const X86Insn *in)
{
    (void)in;
    x86_gen_exception(d, X86_EXCP_UD);
}

/* ================================================================ */
/* The table                                                         */

#define O(kind, size) X86_OPND(kind, size)
#define SEG(s)        X86_OPND_SREG(X86_SEG_##s)
#define EAXB          X86_OPND_REG(B, X86_EAX)
#define EAXV          X86_OPND_REG(V, X86_EAX)
#define DXW           X86_OPND_REG(W, X86_EDX)

/* One line: map, opcode, ModRM.reg (-1: none), ModRM.mod, mnemonic, two
 * operands, flags, lifter, arg, helper (for x86_lift_helper). */
#define LINE(map_, op_, reg_, mod_, name_, o0, o1, flags_, lift_, arg_, helper_)                   \
    {                                                                                              \
        .map = X86_MAP_##map_, .opcode = (op_), .opcount = 1, .reg = (reg_),                       \
        .prefix = X86_PFX_ANY, .mod = X86_MOD_##mod_, .rm = -1, .name = (name_),                   \
        .opnd = {(o0), (o1)}, .flags = (flags_), .lift = (lift_), .arg = (arg_),                   \
        .helper = (helper_)                                                                        \
    }
#define L(map_, op_, reg_, mod_, name_, o0, o1, flags_, lift_, arg_)                               \
    LINE(map_, op_, reg_, mod_, name_, o0, o1, flags_, lift_, arg_, NULL)
#define H(map_, op_, name_, flags_, helper_)                                                       \
    LINE(map_, op_, -1, ANY, name_, 0, 0, flags_, x86_lift_helper, 0, &x86_helper_##helper_)

#define PRIV   X86F_PRIV
#define BRANCH X86F_BRANCH
#define ENDS   X86F_ENDS_TB
#define IO     X86F_IO

static const X86InsnDef x86_system_defs[] = {
    /* Segment registers (x86_insn_segment.c). */
    L(ONE, 0x06, -1, ANY, "push es", SEG(ES), 0, 0, x86_lift_push_sreg, 0),
    L(ONE, 0x07, -1, ANY, "pop es", SEG(ES), 0, 0, x86_lift_pop_sreg, 0),
    L(ONE, 0x0e, -1, ANY, "push cs", SEG(CS), 0, 0, x86_lift_push_sreg, 0),
    L(ONE, 0x16, -1, ANY, "push ss", SEG(SS), 0, 0, x86_lift_push_sreg, 0),
    L(ONE, 0x17, -1, ANY, "pop ss", SEG(SS), 0, 0, x86_lift_pop_sreg, 0),
    L(ONE, 0x1e, -1, ANY, "push ds", SEG(DS), 0, 0, x86_lift_push_sreg, 0),
    L(ONE, 0x1f, -1, ANY, "pop ds", SEG(DS), 0, 0, x86_lift_pop_sreg, 0),
    L(0F, 0xa0, -1, ANY, "push fs", SEG(FS), 0, 0, x86_lift_push_sreg, 0),
    L(0F, 0xa1, -1, ANY, "pop fs", SEG(FS), 0, 0, x86_lift_pop_sreg, 0),
    L(0F, 0xa8, -1, ANY, "push gs", SEG(GS), 0, 0, x86_lift_push_sreg, 0),
    L(0F, 0xa9, -1, ANY, "pop gs", SEG(GS), 0, 0, x86_lift_pop_sreg, 0),
    L(ONE, 0x8c, -1, ANY, "mov", O(E, W), O(S, W), 0, x86_lift_mov_from_sreg, 0),
    L(ONE, 0x8e, -1, ANY, "mov", O(S, W), O(E, W), 0, x86_lift_mov_to_sreg, 0),
    L(ONE, 0xc4, -1, MEM, "les", O(G, V), O(M, P), 0, x86_lift_load_far_pointer, X86_SEG_ES),
    L(ONE, 0xc5, -1, MEM, "lds", O(G, V), O(M, P), 0, x86_lift_load_far_pointer, X86_SEG_DS),
    L(0F, 0xb2, -1, MEM, "lss", O(G, V), O(M, P), 0, x86_lift_load_far_pointer, X86_SEG_SS),
    L(0F, 0xb4, -1, MEM, "lfs", O(G, V), O(M, P), 0, x86_lift_load_far_pointer, X86_SEG_FS),
    L(0F, 0xb5, -1, MEM, "lgs", O(G, V), O(M, P), 0, x86_lift_load_far_pointer, X86_SEG_GS),

    /* Far transfers (x86_insn_segment.c). */
    L(ONE, 0xea, -1, ANY, "ljmp", O(A, P), 0, BRANCH, x86_lift_jmp_far, 0),
    L(ONE, 0xff, 5, MEM, "ljmp", O(M, P), 0, BRANCH, x86_lift_jmp_far, 0),
    L(ONE, 0x9a, -1, ANY, "lcall", O(A, P), 0, BRANCH, x86_lift_call_far, 0),
    L(ONE, 0xff, 3, MEM, "lcall", O(M, P), 0, BRANCH, x86_lift_call_far, 0),
    L(ONE, 0xca, -1, ANY, "lret", O(I, W), 0, BRANCH, x86_lift_retf, 0),
    L(ONE, 0xcb, -1, ANY, "lret", 0, 0, BRANCH, x86_lift_retf, 0),
    L(ONE, 0xcf, -1, ANY, "iret", 0, 0, BRANCH, x86_lift_iret, 0),

    /* Interrupts. */
    L(ONE, 0xcc, -1, ANY, "int3", 0, 0, BRANCH, x86_lift_int, 0),
    L(ONE, 0xcd, -1, ANY, "int", O(I, B), 0, BRANCH, x86_lift_int, 0),
    L(ONE, 0xce, -1, ANY, "into", 0, 0, 0, x86_lift_into, 0),
    H(ONE, 0xf1, "int1", BRANCH, int1),
    L(ONE, 0x62, -1, MEM, "bound", O(G, V), O(M, A), 0, x86_lift_bound, 0),
    L(ONE, 0xfa, -1, ANY, "cli", 0, 0, 0, x86_lift_cli_sti, 0),
    L(ONE, 0xfb, -1, ANY, "sti", 0, 0, 0, x86_lift_cli_sti, 1),
    H(ONE, 0xf4, "hlt", PRIV | BRANCH, hlt),

    /* Port I/O. */
    L(ONE, 0xe4, -1, ANY, "in", EAXB, O(I, B), IO, x86_lift_in_out, 0),
    L(ONE, 0xe5, -1, ANY, "in", EAXV, O(I, B), IO, x86_lift_in_out, 0),
    L(ONE, 0xe6, -1, ANY, "out", O(I, B), EAXB, IO, x86_lift_in_out, X86_IO_OUT),
    L(ONE, 0xe7, -1, ANY, "out", O(I, B), EAXV, IO, x86_lift_in_out, X86_IO_OUT),
    L(ONE, 0xec, -1, ANY, "in", EAXB, DXW, IO, x86_lift_in_out, X86_IO_DX),
    L(ONE, 0xed, -1, ANY, "in", EAXV, DXW, IO, x86_lift_in_out, X86_IO_DX),
    L(ONE, 0xee, -1, ANY, "out", DXW, EAXB, IO, x86_lift_in_out, X86_IO_OUT | X86_IO_DX),
    L(ONE, 0xef, -1, ANY, "out", DXW, EAXV, IO, x86_lift_in_out, X86_IO_OUT | X86_IO_DX),

    /* 0F 00: LDTR, TR, segment verification (x86_insn_segment.c). */
    L(0F, 0x00, 0, ANY, "sldt", O(E, W), 0, 0, x86_lift_store_sys_selector, offsetof(X86CPU, ldtr)),
    L(0F, 0x00, 1, ANY, "str", O(E, W), 0, 0, x86_lift_store_sys_selector, offsetof(X86CPU, tr)),
    L(0F, 0x00, 2, ANY, "lldt", O(E, W), 0, 0, x86_lift_lldt, 0),
    L(0F, 0x00, 3, ANY, "ltr", O(E, W), 0, 0, x86_lift_ltr, 0),
    L(0F, 0x00, 4, ANY, "verr", O(E, W), 0, 0, x86_lift_verr_verw, 0),
    L(0F, 0x00, 5, ANY, "verw", O(E, W), 0, 0, x86_lift_verr_verw, 1),
    L(0F, 0x02, -1, ANY, "lar", O(G, V), O(E, W), 0, x86_lift_lar_lsl, 0),
    L(0F, 0x03, -1, ANY, "lsl", O(G, V), O(E, W), 0, x86_lift_lar_lsl, 1),
    L(ONE, 0x63, -1, ANY, "arpl", O(E, W), O(G, W), 0, x86_lift_arpl, 0),

    /* 0F 01: descriptor tables, MSW, INVLPG; the register forms (VMX,
     * MONITOR/MWAIT, XGETBV, SVM, SWAPGS/RDTSCP ...) are not modelled. */
    L(0F, 0x01, 0, MEM, "sgdt", O(M, S), 0, 0, x86_lift_store_table_reg, offsetof(X86CPU, gdtr)),
    L(0F, 0x01, 1, MEM, "sidt", O(M, S), 0, 0, x86_lift_store_table_reg, offsetof(X86CPU, idtr)),
    L(0F, 0x01, 2, MEM, "lgdt", O(M, S), 0, PRIV, x86_lift_load_table_reg, offsetof(X86CPU, gdtr)),
    L(0F, 0x01, 3, MEM, "lidt", O(M, S), 0, PRIV, x86_lift_load_table_reg, offsetof(X86CPU, idtr)),
    L(0F, 0x01, 4, ANY, "smsw", O(E, W), 0, 0, x86_lift_smsw, 0),
    L(0F, 0x01, 6, ANY, "lmsw", O(E, W), 0, PRIV, x86_lift_lmsw, 0),
    L(0F, 0x01, 7, MEM, "invlpg", O(M, NONE), 0, PRIV, x86_lift_invlpg, 0),
    L(0F, 0x01, 0, REG, "vmx", 0, 0, 0, x86_lift_unimplemented, 0),
    L(0F, 0x01, 1, REG, "monitor/mwait", 0, 0, 0, x86_lift_unimplemented, 0),
    L(0F, 0x01, 2, REG, "xgetbv/xsetbv", 0, 0, 0, x86_lift_unimplemented, 0),
    L(0F, 0x01, 3, REG, "svm", 0, 0, 0, x86_lift_unimplemented, 0),
    L(0F, 0x01, 5, REG, "0f 01 /5", 0, 0, 0, x86_lift_unimplemented, 0),
    L(0F, 0x01, 7, REG, "swapgs/rdtscp", 0, 0, 0, x86_lift_unimplemented, 0),

    /* Control and debug registers, caches. */
    L(0F, 0x20, -1, ANY, "mov", O(R, D), O(C, D), PRIV, x86_lift_mov_cr, 0),
    L(0F, 0x22, -1, ANY, "mov", O(C, D), O(R, D), PRIV, x86_lift_mov_cr, 1),
    L(0F, 0x21, -1, ANY, "mov", O(R, D), O(D, D), PRIV, x86_lift_mov_dr, 0),
    L(0F, 0x23, -1, ANY, "mov", O(D, D), O(R, D), PRIV, x86_lift_mov_dr, 1),
    H(0F, 0x06, "clts", PRIV | ENDS, clts),
    L(0F, 0x08, -1, ANY, "invd", 0, 0, PRIV, x86_lift_nop, 0),
    L(0F, 0x09, -1, ANY, "wbinvd", 0, 0, PRIV, x86_lift_nop, 0),

    /* Identification, counters, MSRs, fast system calls. */
    H(0F, 0xa2, "cpuid", 0, cpuid),
    H(0F, 0x31, "rdtsc", 0, rdtsc),
    H(0F, 0x32, "rdmsr", PRIV, rdmsr),
    H(0F, 0x30, "wrmsr", PRIV | ENDS, wrmsr),
    H(0F, 0x33, "rdpmc", 0, rdpmc),
    H(0F, 0x34, "sysenter", BRANCH, sysenter),
    H(0F, 0x35, "sysexit", BRANCH, sysexit),

    L(ONE, 0x9b, -1, ANY, "wait", 0, 0, 0, x86_lift_wait, 0),
    L(0F, 0xaa, -1, ANY, "rsm", 0, 0, 0, x86_lift_ud, 0),
};
X86_GROUP(system, x86_system_defs);
