/*
 * Exceptions and interrupts (SDM Vol 3 §6): raising from helpers,
 * delivery through the real-mode IVT and the protected-mode IDT
 * (interrupt, trap and task gates, inner stacks from the TSS, vm86
 * frames), double and triple faults (§6.15 "Interrupt 8"), external
 * interrupts and NMI, HLT, and the vm86 software-interrupt redirection
 * of CR4.VME (§20.3-20.4).
 *
 * Not done: NMI blocking until the next IRET (§6.7.1), the VME virtual
 * interrupt flag for external interrupts (VIP is set by software only)
 * and CR4.PVI in protected mode, SMM.
 */
#include "core/log.h"
#include "frontends/x86/x86_sysrt.h"
#include "softmmu/tlb.h"

/* delivering_vector for deliveries that are not exceptions (INT n,
 * external interrupts): benign for the double-fault rules. */
#define X86_DELIVERING_BENIGN 0x100

/* ---- raising ---- */

/* Exceptions that push an error code (SDM Vol 3 §6.13 table 6-1). */
static bool x86_vector_has_error(int vector)
{
    return vector == X86_EXCP_DF || (vector >= X86_EXCP_TS && vector <= X86_EXCP_PF) ||
           vector == X86_EXCP_AC;
}

void x86_set_exception(X86CPU *cpu, int vector, bool has_error, uint32_t error_code)
{
    cpu->pending_vector = vector;
    cpu->has_error_code = has_error;
    cpu->error_code = error_code;
    cpu->swint_len = 0;
    cpu->common.exception_index = vector;
}

_Noreturn void x86_raise_exception_err(X86CPU *cpu, int vector, uint32_t error_code)
{
    x86_set_exception(cpu, vector, x86_vector_has_error(vector), error_code);
    cpu_loop_exit_restore(&cpu->common);
}

_Noreturn void x86_raise_exception(X86CPU *cpu, int vector)
{
    x86_raise_exception_err(cpu, vector, 0);
}

/* INT n, INT3, INTO, and HLT (vector X86_EXCP_HLT): the instruction
 * completes, so the return address (or where HLT resumes) is len bytes
 * on. */
_Noreturn void x86_raise_software_interrupt(X86CPU *cpu, int vector, unsigned len)
{
    x86_set_exception(cpu, vector, false, 0);
    cpu->swint_len = (uint8_t)len;
    cpu->common.exception_index = vector == X86_EXCP_HLT ? X86_EXCP_HLT : X86_EXCP_SWINT;
    cpu_loop_exit_restore_trap(&cpu->common);
}

int x86_exception_class(int vector)
{
    switch (vector) {
    case X86_EXCP_DE:
    case X86_EXCP_TS:
    case X86_EXCP_NP:
    case X86_EXCP_SS:
    case X86_EXCP_GP: return X86_CLASS_CONTRIBUTORY;
    case X86_EXCP_PF: return X86_CLASS_PAGE_FAULT;
    default: return X86_CLASS_BENIGN;
    }
}

/* ---- delivery ---- */

static void x86_triple_fault(X86CPU *cpu)
{
    LOG_MASK(LOG_INT, "x86: triple fault (fault while delivering #DF) at %04x:%08x: reset\n",
             cpu->segs[X86_SEG_CS].selector, x86_get_eip(cpu));
    cpu->delivering_vector = -1;
    if (cpu->reset_request) {
        cpu->reset_request(cpu->reset_opaque);
        cpu->common.halted = true; /* until the machine resets it */
        cpu_exit(&cpu->common);
    } else {
        cpu_reset(&cpu->common);
    }
}

/* Real-address mode (SDM Vol 3 §20.1.4): the IVT at IDTR.base, FLAGS,
 * CS, IP pushed, IF TF AC cleared.  Also the vm86 redirection of VME,
 * where the IVT is at linear 0 and IF may be virtual. */
static void x86_deliver_real(X86CPU *cpu, int vector, uint32_t next_eip, uint32_t ivt_base,
                             bool vme_redirect)
{
    if (!vme_redirect && (uint32_t)vector * 4 + 3 > cpu->idtr.limit)
        x86_raise_exception_err(cpu, X86_EXCP_GP, (uint32_t)vector * 8 + 2);
    uint32_t ent = x86_load_linear(cpu, ivt_base + (uint32_t)vector * 4, 4, x86_data_mmu_idx(cpu));
    X86Stack st;
    x86_stack_current(cpu, &st);
    uint32_t flags = x86_get_eflags(cpu);
    bool virtual_if = vme_redirect && ((flags & X86_IOPL) >> X86_IOPL_SHIFT) < 3;
    if (virtual_if) /* the image shows VIF as IF, and IOPL 3 (§20.4.2) */
        flags = (flags & ~(uint32_t)X86_IF) | ((flags & X86_VIF) ? X86_IF : 0) | X86_IOPL;
    x86_stack_push(cpu, &st, flags & 0xffff, 2);
    x86_stack_push(cpu, &st, cpu->segs[X86_SEG_CS].selector, 2);
    x86_stack_push(cpu, &st, next_eip & 0xffff, 2);
    x86_stack_commit(cpu, &st, false);
    x86_set_eflags(cpu, 0, (virtual_if ? X86_VIF : X86_IF) | X86_TF | (vme_redirect ? 0 : X86_AC));
    X86Segment cs = cpu->segs[X86_SEG_CS];
    uint16_t sel = (uint16_t)(ent >> 16);
    if (cpu->eflags & X86_VM) {
        x86_seg_vm86(&cs, sel, 3);
    } else {
        x86_seg_real(&cs, sel);
    }
    cpu->segs[X86_SEG_CS] = cs;
    x86_update_hflags(cpu);
    x86_set_eip(cpu, ent & 0xffff);
}

/* The gate's code segment (SDM Vol 2 INT n "INTRA/INTER-PRIVILEGE"). */
static uint64_t x86_check_gate_target(X86CPU *cpu, uint16_t sel, bool ext)
{
    if ((sel & ~3u) == 0) x86_raise_exception_err(cpu, X86_EXCP_GP, ext ? 1 : 0);
    const uint32_t err = x86_sel_error(sel, ext);
    uint64_t desc;
    if (!x86_read_descriptor(cpu, sel, &desc)) x86_raise_exception_err(cpu, X86_EXCP_GP, err);
    uint16_t a = x86_desc_attr(desc);
    if (!x86_attr_is_code(a) || x86_attr_dpl(a) > x86_cpl(cpu))
        x86_raise_exception_err(cpu, X86_EXCP_GP, err);
    if (!(a & X86_SEGA_P)) x86_raise_exception_err(cpu, X86_EXCP_NP, err);
    return desc;
}

/* Protected mode and vm86 through the IDT (SDM Vol 3 §6.10-6.12). */
static void x86_deliver_protected(X86CPU *cpu, int vector, bool is_sw, bool has_error,
                                  uint32_t error_code, uint32_t next_eip)
{
    const bool ext = !is_sw;
    const uint32_t gate_err = (uint32_t)vector * 8 + 2 + (ext ? 1 : 0);
    if ((uint32_t)vector * 8 + 7 > cpu->idtr.limit)
        x86_raise_exception_err(cpu, X86_EXCP_GP, gate_err);
    uint64_t gate =
        x86_load_linear64(cpu, (uint32_t)cpu->idtr.base + (uint32_t)vector * 8, X86_MMU_KERNEL);
    const uint16_t ga = x86_desc_attr(gate);
    const unsigned type = ga & X86_SEGA_TYPE;
    if ((ga & X86_SEGA_S) ||
        !(type == X86_SYS_TASK || type == X86_SYS_INT16 || type == X86_SYS_TRAP16 ||
          type == X86_SYS_INT32 || type == X86_SYS_TRAP32))
        x86_raise_exception_err(cpu, X86_EXCP_GP, gate_err);
    /* Software interrupts may only use gates of DPL >= CPL (§6.12.1.1). */
    if (is_sw && x86_attr_dpl(ga) < x86_cpl(cpu))
        x86_raise_exception_err(cpu, X86_EXCP_GP, gate_err);
    if (!(ga & X86_SEGA_P)) x86_raise_exception_err(cpu, X86_EXCP_NP, gate_err);

    if (type == X86_SYS_TASK) {
        /* §6.12.2: the handler is a task; the error code goes on its stack. */
        x86_task_switch_to(cpu, x86_gate_selector(gate), X86_TASK_CALL, ext, next_eip);
        if (has_error) {
            X86Stack st;
            x86_stack_current(cpu, &st);
            unsigned size = (cpu->tr.attr & 8) ? 4 : 2;
            if (!(cpu->segs[X86_SEG_SS].attr & X86_SEGA_DB)) size = 2;
            x86_stack_push(cpu, &st, error_code, size);
            x86_stack_commit(cpu, &st, false);
        }
        return;
    }

    const unsigned size = (type & 8) ? 4 : 2;
    const uint16_t target = x86_gate_selector(gate);
    uint32_t eip = x86_gate_offset(gate);
    if (size == 2) eip &= 0xffff;
    uint64_t cdesc = x86_check_gate_target(cpu, target, ext);
    const uint16_t ca = x86_desc_attr(cdesc);
    const unsigned dpl = x86_attr_dpl(ca);
    const bool vm86 = (cpu->eflags & X86_VM) != 0;
    const bool inner = !x86_attr_is_conforming(ca) && dpl < x86_cpl(cpu);
    const unsigned new_cpl = inner ? dpl : x86_cpl(cpu);
    if (vm86 && (!inner || dpl != 0))
        x86_raise_exception_err(cpu, X86_EXCP_GP, x86_sel_error(target, ext));

    X86Segment cs;
    x86_seg_from_desc(&cs, (uint16_t)((target & ~3u) | new_cpl), cdesc | X86_DESC_ACCESSED);
    const uint32_t eflags = x86_get_eflags(cpu);
    X86Stack st;
    if (inner) {
        uint16_t ss_sel;
        uint32_t esp;
        x86_tss_stack(cpu, dpl, ext, &ss_sel, &esp);
        X86Segment ss;
        x86_check_inner_ss(cpu, ss_sel, dpl, ext, &ss);
        x86_stack_new(&st, &ss, esp, dpl, x86_sel_error(ss_sel, ext));
        if (vm86) {
            x86_stack_push(cpu, &st, cpu->segs[X86_SEG_GS].selector, size);
            x86_stack_push(cpu, &st, cpu->segs[X86_SEG_FS].selector, size);
            x86_stack_push(cpu, &st, cpu->segs[X86_SEG_DS].selector, size);
            x86_stack_push(cpu, &st, cpu->segs[X86_SEG_ES].selector, size);
        }
        x86_stack_push(cpu, &st, cpu->segs[X86_SEG_SS].selector, size);
        x86_stack_push(cpu, &st, (uint32_t)cpu->regs[X86_ESP], size);
    } else {
        x86_stack_current(cpu, &st);
        st.fault_code = ext ? 1 : 0;
    }
    x86_stack_push(cpu, &st, eflags, size);
    x86_stack_push(cpu, &st, cpu->segs[X86_SEG_CS].selector, size);
    x86_stack_push(cpu, &st, next_eip, size);
    if (has_error) x86_stack_push(cpu, &st, error_code, size);
    if (eip > cs.limit) x86_raise_exception_err(cpu, X86_EXCP_GP, ext ? 1 : 0);

    /* Commit: nothing above changed the cpu. */
    x86_desc_set_accessed(cpu, target, cdesc);
    uint32_t clear = X86_TF | X86_NT | X86_RF | X86_VM;
    if (type == X86_SYS_INT16 || type == X86_SYS_INT32) clear |= X86_IF;
    x86_set_eflags(cpu, 0, clear);
    cpu->segs[X86_SEG_CS] = cs;
    x86_stack_commit(cpu, &st, inner);
    if (vm86) {
        static const int data[] = {X86_SEG_ES, X86_SEG_DS, X86_SEG_FS, X86_SEG_GS};
        for (unsigned i = 0; i < 4; i++)
            x86_seg_null(&cpu->segs[data[i]], 0);
    }
    x86_update_hflags(cpu);
    x86_set_eip(cpu, eip);
}

/* CR4.VME software interrupts in vm86 (SDM Vol 3 §20.4.3 table 20-2):
 * true when INT n goes through the vm86 IVT rather than the IDT.  The
 * redirection bitmap is the 32 bytes below the I/O map base in the TSS. */
static bool x86_vme_redirected(X86CPU *cpu, int vector)
{
    if (cpu->tr.limit < 0x67 || !(cpu->tr.attr & 8)) return false;
    uint32_t base = (uint32_t)cpu->tr.base;
    uint32_t iomap = x86_load_linear(cpu, base + 0x66, 2, X86_MMU_KERNEL);
    uint32_t byte_off = iomap - 32 + (uint32_t)vector / 8;
    if (iomap < 32 || byte_off > cpu->tr.limit) return false;
    uint32_t bits = x86_load_linear(cpu, base + byte_off, 1, X86_MMU_KERNEL);
    return !(bits & (1u << (vector & 7)));
}

/* INT n (opcode CD) as opposed to INT3/INTO: the byte before the last of
 * the instruction is CD only for INT n (prefixes are never CD). */
static bool x86_is_int_n(X86CPU *cpu, unsigned len)
{
    uint8_t op = 0;
    if (len < 2) return false;
    softmmu_debug_rw(&cpu->common, cpu->common.pc + len - 2, &op, 1, false);
    return op == 0xcd;
}

void x86_deliver(X86CPU *cpu, int vector, bool is_sw, bool has_error, uint32_t error_code,
                 uint32_t next_eip)
{
    if (!(cpu->cr[0] & X86_CR0_PE)) {
        x86_deliver_real(cpu, vector, next_eip, (uint32_t)cpu->idtr.base, false);
        return;
    }
    if ((cpu->eflags & X86_VM) && is_sw && x86_is_int_n(cpu, cpu->swint_len)) {
        /* INT n in vm86: IOPL-sensitive, or redirected under VME. */
        const unsigned iopl = (cpu->eflags & X86_IOPL) >> X86_IOPL_SHIFT;
        if ((cpu->cr[4] & X86_CR4_VME) && x86_vme_redirected(cpu, vector)) {
            x86_deliver_real(cpu, vector, next_eip, 0, true);
            return;
        }
        if (iopl < 3) x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
    }
    x86_deliver_protected(cpu, vector, is_sw, has_error, error_code, next_eip);
}

void x86_do_interrupt(CPUState *c)
{
    X86CPU *cpu = x86_cpu(c);
    const uint32_t eip = x86_get_eip(cpu);
    if (c->exception_index == X86_EXCP_HLT) {
        x86_set_eip(cpu, eip + cpu->swint_len);
        cpu->swint_len = 0;
        c->halted = true;
        return;
    }
    if (c->exception_index == X86_EXCP_SWINT) {
        int vector = cpu->pending_vector;
        if (log_enabled(LOG_INT))
            x86_log_event(cpu,
                          x86_is_int_n(cpu, cpu->swint_len) ? X86_EVENT_INT_N : X86_EVENT_INT3_INTO,
                          vector, false, 0);
        cpu->delivering_vector = X86_DELIVERING_BENIGN;
        x86_deliver(cpu, vector, true, false, 0, eip + cpu->swint_len);
        cpu->delivering_vector = -1;
        cpu->swint_len = 0;
        return;
    }
    if (c->exception_index < 0 || c->exception_index >= 32) return;
    int vector = c->exception_index;
    bool has_error = cpu->has_error_code;
    uint32_t error_code = cpu->error_code;
    /* A fault while delivering another event (SDM Vol 3 §6.15 table 6-5). */
    const int first = cpu->delivering_vector;
    if (first >= 0) {
        const int c1 = first < 32 ? x86_exception_class(first) : X86_CLASS_BENIGN;
        const int c2 = x86_exception_class(vector);
        if (first == X86_EXCP_DF && c2 != X86_CLASS_BENIGN) {
            x86_triple_fault(cpu);
            return;
        }
        if ((c1 == X86_CLASS_CONTRIBUTORY && c2 == X86_CLASS_CONTRIBUTORY) ||
            (c1 == X86_CLASS_PAGE_FAULT && c2 != X86_CLASS_BENIGN)) {
            vector = X86_EXCP_DF;
            has_error = true;
            error_code = 0;
        }
    }
    if (log_enabled(LOG_INT)) {
        if (vector != c->exception_index)
            log_printf("x86: %s while delivering vector %#04x: double fault\n",
                       x86_vector_name(c->exception_index), (unsigned)first);
        x86_log_event(cpu, X86_EVENT_EXCEPTION, vector, has_error, error_code);
    }
    cpu->delivering_vector = vector;
    x86_deliver(cpu, vector, false, has_error, error_code, eip);
    cpu->delivering_vector = -1;
}

/* ---- asynchronous interrupts ---- */

static bool x86_intr_enabled(const X86CPU *cpu)
{
    return (cpu->eflags & X86_IF) && !cpu->inhibit_irq;
}

/* An external event delivered between instructions. */
static void x86_deliver_external(X86CPU *cpu, X86EventKind kind, int vector)
{
    if (log_enabled(LOG_INT)) x86_log_event(cpu, kind, vector, false, 0);
    cpu->delivering_vector = X86_DELIVERING_BENIGN;
    x86_deliver(cpu, vector, false, false, 0, x86_get_eip(cpu));
    cpu->delivering_vector = -1;
}

bool x86_check_interrupts(CPUState *c)
{
    X86CPU *cpu = x86_cpu(c);
    int req = atomic_load(&c->interrupt_request);
    if (req & X86_INTERRUPT_INIT) cpu_reset_interrupt(c, X86_INTERRUPT_INIT); /* SMP: later */
    if ((req & CPU_INTERRUPT_NMI) && !cpu->inhibit_irq) {
        cpu_reset_interrupt(c, CPU_INTERRUPT_NMI);
        c->halted = false;
        x86_deliver_external(cpu, X86_EVENT_NMI, X86_EXCP_NMI);
        return true;
    }
    if ((req & CPU_INTERRUPT_HARD) && x86_intr_enabled(cpu)) {
        int vector = cpu->intr_ack ? cpu->intr_ack(cpu->intr_opaque) : -1;
        if (vector < 0) {
            if (!cpu->intr_ack) cpu_reset_interrupt(c, CPU_INTERRUPT_HARD);
            return false;
        }
        c->halted = false;
        x86_deliver_external(cpu, X86_EVENT_HW_IRQ, vector & 0xff);
        return true;
    }
    return false;
}

bool x86_has_work(CPUState *c)
{
    X86CPU *cpu = x86_cpu(c);
    int req = atomic_load(&c->interrupt_request);
    if (req & (CPU_INTERRUPT_NMI | CPU_INTERRUPT_RESET | X86_INTERRUPT_INIT)) return true;
    return (req & CPU_INTERRUPT_HARD) && (cpu->eflags & X86_IF);
}
