/*
 * The S/370 cpu in snapshots: every architectural field of S370CPU and
 * the common CPUState fields the loop keeps.  The PSW is saved in its
 * decoded form (s370.h), the timing facilities as their epoch and
 * register values plus their virtual-clock timers (VMS_TIMER: expiry and
 * arming order), so a restored cpu takes its next timer interruption at
 * the same instruction.  Nothing is derived on load: the TB key is read
 * from the PSW at each lookup, so no post_load hook is needed.
 *
 * Not here: host wiring (storage_keys, io, disabled_wait) and the model
 * (cpuid_*).  The storage keys belong to main storage and travel as the
 * machine section "storage-keys" (core/snapshot_section.h).
 */
#include "frontends/s370/s370_vmstate.h"

#include "core/vmstate_fields.h"
#include "frontends/s370/s370.h"

const VMStateField s370_vmstate_fields[] = {
    /* CPUState: the instruction address, wait state, pending work. */
    VMSTATE_U64(S370CPU, common.pc),
    VMSTATE_BOOL(S370CPU, common.halted),
    VMSTATE_I32(S370CPU, common.exception_index),
    VMSTATE_I32(S370CPU, common.interrupt_request),
    VMSTATE_U64(S370CPU, common.icount),
    /* Registers (PoO-390 §2 "Program Execution"). */
    VMSTATE_U64_ARRAY(S370CPU, gr),
    VMSTATE_U32(S370CPU, cc),
    VMSTATE_U64_ARRAY(S370CPU, fpr),
    VMSTATE_U32_ARRAY(S370CPU, ar),
    VMSTATE_U32_ARRAY(S370CPU, cr),
    VMSTATE_U32(S370CPU, fpc),
    /* The PSW, decoded, and one loaded with a specification error. */
    VMSTATE_U8(S370CPU, psw.sysmask),
    VMSTATE_U8(S370CPU, psw.key),
    VMSTATE_BOOL(S370CPU, psw.ec),
    VMSTATE_BOOL(S370CPU, psw.mchk),
    VMSTATE_BOOL(S370CPU, psw.wait),
    VMSTATE_BOOL(S370CPU, psw.problem),
    VMSTATE_U8(S370CPU, psw.asc),
    VMSTATE_U8(S370CPU, psw.pgm_mask),
    VMSTATE_BOOL(S370CPU, psw.amode31),
    VMSTATE_U16(S370CPU, psw.bc_int_code),
    VMSTATE_U8(S370CPU, psw.bc_ilc),
    VMSTATE_BOOL(S370CPU, psw_invalid),
    VMSTATE_U8_ARRAY(S370CPU, psw_image),
    VMSTATE_I32(S370CPU, arch),
    VMSTATE_U32(S370CPU, prefix),
    /* EXECUTE in progress. */
    VMSTATE_U8_ARRAY(S370CPU, ex_insn),
    VMSTATE_U64(S370CPU, ex_addr),
    VMSTATE_U64(S370CPU, ex_target_addr),
    VMSTATE_BOOL(S370CPU, ex_pending),
    /* An interruption being raised. */
    VMSTATE_U16(S370CPU, pgm_code),
    VMSTATE_U8(S370CPU, pgm_ilc),
    VMSTATE_U32(S370CPU, trans_exc_addr),
    VMSTATE_U16(S370CPU, svc_code),
    /* Timing facilities (PoO-370 §4 "Timing"). */
    VMSTATE_U64(S370CPU, tod_epoch),
    VMSTATE_BOOL(S370CPU, tod_set),
    VMSTATE_U64(S370CPU, tod_last),
    VMSTATE_U64(S370CPU, ckc),
    VMSTATE_I64(S370CPU, cpu_timer_ns),
    VMSTATE_U32(S370CPU, ext_pending),
    VMSTATE_TIMER(S370CPU, ckc_timer),
    VMSTATE_TIMER(S370CPU, cpu_timer),
    VMSTATE_TIMER(S370CPU, interval_timer),
    VMSTATE_I64(S370CPU, interval_last_ns),
    VMSTATE_END,
};
