/*
 * The x86 cpu in snapshots: every architectural field of X86CPU (what
 * x86_reset clears between regs and the machine hooks) and the common
 * CPUState fields the loop keeps.  Host pointers (io, tlb, the APIC and
 * interrupt hooks) are the machine's wiring and are never saved.
 * Lazy flags are saved as they are (cc_op and operands), so nothing is
 * computed on save and the restored cpu computes the same flags.
 */
#include "frontends/x86/x86_vmstate.h"

#include "core/vmstate_fields.h"
#include "frontends/x86/x86_internal.h"

/* A segment register with its hidden descriptor cache (SDM Vol 3 §3.4.3)
 * and the check ranges derived from it. */
#define X86_VMSTATE_SEGMENT(f)                                                                     \
    VMSTATE_U64(X86CPU, f.base), VMSTATE_U32(X86CPU, f.limit), VMSTATE_U16(X86CPU, f.selector),    \
        VMSTATE_U16(X86CPU, f.attr), VMSTATE_U32(X86CPU, f.read_lo),                               \
        VMSTATE_U32(X86CPU, f.read_hi), VMSTATE_U32(X86CPU, f.write_lo),                           \
        VMSTATE_U32(X86CPU, f.write_hi)

#define X86_VMSTATE_TABLEREG(f) VMSTATE_U64(X86CPU, f.base), VMSTATE_U32(X86CPU, f.limit)

const VMStateField x86_vmstate_fields[] = {
    /* CPUState: where the cpu is and what it is waiting for. */
    VMSTATE_U64(X86CPU, common.pc),
    VMSTATE_BOOL(X86CPU, common.halted),
    VMSTATE_I32(X86CPU, common.exception_index),
    VMSTATE_I32(X86CPU, common.interrupt_request),
    VMSTATE_U64(X86CPU, common.icount),
    /* General registers and EFLAGS with the lazy arithmetic flags. */
    VMSTATE_U64_ARRAY(X86CPU, regs),
    VMSTATE_U32(X86CPU, cc_op),
    VMSTATE_U32(X86CPU, cc_dst),
    VMSTATE_U32(X86CPU, cc_src),
    VMSTATE_U32(X86CPU, cc_src2),
    VMSTATE_U32(X86CPU, eflags),
    VMSTATE_I32(X86CPU, df),
    /* Segments, system segments and descriptor tables. */
    X86_VMSTATE_SEGMENT(segs[X86_SEG_ES]),
    X86_VMSTATE_SEGMENT(segs[X86_SEG_CS]),
    X86_VMSTATE_SEGMENT(segs[X86_SEG_SS]),
    X86_VMSTATE_SEGMENT(segs[X86_SEG_DS]),
    X86_VMSTATE_SEGMENT(segs[X86_SEG_FS]),
    X86_VMSTATE_SEGMENT(segs[X86_SEG_GS]),
    X86_VMSTATE_SEGMENT(ldtr),
    X86_VMSTATE_SEGMENT(tr),
    X86_VMSTATE_TABLEREG(gdtr),
    X86_VMSTATE_TABLEREG(idtr),
    /* Control and debug registers. */
    VMSTATE_U32_ARRAY(X86CPU, cr),
    VMSTATE_U32_ARRAY(X86CPU, dr),
    VMSTATE_U32(X86CPU, dr_pending),
    VMSTATE_U32(X86CPU, hflags),
    /* x87, MMX, SSE. */
    VMSTATE_BYTES(X86CPU, fpregs),
    VMSTATE_U32(X86CPU, fpstt),
    VMSTATE_U16(X86CPU, fpus),
    VMSTATE_U16(X86CPU, fpuc),
    VMSTATE_U8_ARRAY(X86CPU, fptag),
    VMSTATE_U16(X86CPU, fpop),
    VMSTATE_U32(X86CPU, fpip),
    VMSTATE_U32(X86CPU, fpdp),
    VMSTATE_U16(X86CPU, fpcs),
    VMSTATE_U16(X86CPU, fpds),
    VMSTATE_BYTES(X86CPU, xmm),
    VMSTATE_U32(X86CPU, mxcsr),
    /* MSRs; the TSC is virtual time plus tsc_offset, so it continues
     * with the restored virtual clock. */
    VMSTATE_U64(X86CPU, tsc_offset),
    VMSTATE_U64(X86CPU, apic_base),
    VMSTATE_U32(X86CPU, sysenter_cs),
    VMSTATE_U32(X86CPU, sysenter_esp),
    VMSTATE_U32(X86CPU, sysenter_eip),
    VMSTATE_U64(X86CPU, efer),
    VMSTATE_U64(X86CPU, pat),
    VMSTATE_U64(X86CPU, mtrr_def_type),
    VMSTATE_U64_ARRAY(X86CPU, mtrr_fixed),
    VMSTATE_U64_ARRAY(X86CPU, mtrr_var),
    VMSTATE_U64(X86CPU, misc_enable),
    /* An exception or interrupt in delivery, and the interrupt shadow. */
    VMSTATE_I32(X86CPU, pending_vector),
    VMSTATE_U32(X86CPU, error_code),
    VMSTATE_BOOL(X86CPU, has_error_code),
    VMSTATE_U8(X86CPU, swint_len),
    VMSTATE_I32(X86CPU, delivering_vector),
    VMSTATE_BOOL(X86CPU, inhibit_irq),
    VMSTATE_U32(X86CPU, a20_mask),
    VMSTATE_END,
};

void x86_vmstate_post_load(CPUState *c)
{
    /* hflags is saved, but derive it again so a table and a frontend that
     * disagree about a mode bit cannot leave a stale TB key. */
    x86_update_hflags(x86_cpu(c));
}
