/*
 * Control instructions (PoO-370 §10 "Control Instructions", PoO-390 §10)
 * and the problem-state instructions that touch the PSW: SVC, SPM, IPM.
 * All are C helpers; those that change the PSW end the block so the next
 * one is looked up with the new mode and pending interruptions are seen.
 */
#include "core/log.h"
#include "frontends/s370/s370_internal.h"
#include "softmmu/tlb.h"

#define CONTROL_FLAGS (IR_CALL_READS_STATE | IR_CALL_WRITES_STATE | IR_CALL_MAY_RAISE)

static void s370_require_aligned(S370CPU *cpu, uint64_t addr, unsigned size)
{
    if (addr & (size - 1)) s370_program_exception(cpu, S370_PGM_SPECIFICATION);
}

/* SVC: the interruption code is the I field; the old PSW points past the
 * SVC (PoO-370 §6 "Supervisor-Call Interruption"). */
static uint64_t s370_helper_svc_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)a1, (void)a2;
    S370CPU *cpu = s370_cpu(c);
    cpu->svc_code = (uint16_t)(S370_FIELD_IMM(f) & 0xff);
    c->exception_index = S370_EXCP_SVC;
    cpu_loop_exit_restore_trap(c); /* SVC completes */
}
static S370_HELPER(s370_helper_svc, s370_helper_svc_fn,
                   IR_CALL_READS_STATE | IR_CALL_MAY_RAISE | IR_CALL_NORETURN);

/* SPM: CC and program mask from bits 2-7 of R1. */
static uint64_t s370_helper_spm_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)a1, (void)a2;
    S370CPU *cpu = s370_cpu(c);
    uint32_t v = s370_gr32(cpu, S370_FIELD_R1(f));
    cpu->cc = (v >> 28) & 3;
    cpu->psw.pgm_mask = (v >> 24) & 15;
    return 0;
}
static S370_HELPER(s370_helper_spm, s370_helper_spm_fn, CONTROL_FLAGS);

/* IPM (ESA/390): bits 0-1 zero, 2-3 CC, 4-7 program mask; 8-31 kept. */
static uint64_t s370_helper_ipm_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)a1, (void)a2;
    S370CPU *cpu = s370_cpu(c);
    unsigned r1 = S370_FIELD_R1(f);
    uint32_t v =
        (s370_gr32(cpu, r1) & 0x00ffffffu) | cpu->cc << 28 | (uint32_t)cpu->psw.pgm_mask << 24;
    s370_set_gr32(cpu, r1, v);
    return 0;
}
static S370_HELPER(s370_helper_ipm, s370_helper_ipm_fn, CONTROL_FLAGS);

/* LPSW: a doubleword-aligned PSW; an invalid one is loaded and then
 * reported with ILC 0 (PoO-390 §4 "Exceptions Associated with the PSW"). */
static uint64_t s370_helper_lpsw_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    s370_require_aligned(cpu, a2, 8);
    uint8_t psw[8];
    s370_load_bytes(cpu, a2, psw, 8);
    if (!s370_psw_decode(cpu, psw)) s370_raise_invalid_psw(cpu);
    return 0;
}
static S370_HELPER(s370_helper_lpsw, s370_helper_lpsw_fn, CONTROL_FLAGS);

/* The system mask as SSM/STOSM/STNSM may set it: EC and ESA/390 formats
 * require bits 0 and 2-4 zero (specification exception). */
static void s370_set_system_mask(S370CPU *cpu, uint8_t mask)
{
    if ((cpu->psw.ec || cpu->arch == S370_ARCH_390) && (mask & 0xb8))
        s370_program_exception(cpu, S370_PGM_SPECIFICATION);
    S370Psw old = cpu->psw;
    cpu->psw.sysmask = mask;
    s370_psw_changed(cpu, &old);
}

static uint64_t s370_helper_ssm_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    /* PoO-370 §10: SSM-suppression control (CR0 bit 1) makes it special. */
    if (cpu->cr[0] & 0x40000000u) s370_program_exception(cpu, S370_PGM_SPECIAL_OPERATION);
    s370_set_system_mask(cpu, s370_load8(cpu, a2));
    return 0;
}
static S370_HELPER(s370_helper_ssm, s370_helper_ssm_fn, CONTROL_FLAGS);

/* STNSM/STOSM: store the mask at D1(B1), then AND/OR the I2 byte in. */
static uint64_t s370_system_mask_op(CPUState *c, uint64_t f, uint64_t a1, bool or_op)
{
    S370CPU *cpu = s370_cpu(c);
    uint8_t imm = (uint8_t)S370_FIELD_IMM(f);
    s370_store8(cpu, a1, cpu->psw.sysmask);
    s370_set_system_mask(cpu, or_op ? cpu->psw.sysmask | imm : cpu->psw.sysmask & imm);
    return 0;
}

static uint64_t s370_helper_stnsm_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)a2;
    return s370_system_mask_op(c, f, a1, false);
}
static S370_HELPER(s370_helper_stnsm, s370_helper_stnsm_fn, CONTROL_FLAGS);

static uint64_t s370_helper_stosm_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)a2;
    return s370_system_mask_op(c, f, a1, true);
}
static S370_HELPER(s370_helper_stosm, s370_helper_stosm_fn, CONTROL_FLAGS);

#define CR0_EXTRACTION_AUTHORITY 0x08000000u /* CR0 bit 4 */

/* SPKA: the key from bits 24-27 of the second-operand address.  It is
 * semiprivileged (PoO-370 §10 "Set PSW Key From Address", GA22-7000-10;
 * PoO-390 §10): in the problem state the key's bit in the PSW-key mask,
 * CR3 bits 0-15, must be one, else a privileged-operation exception;
 * the supervisor state may set any key. */
static uint64_t s370_helper_spka_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    uint8_t key = (uint8_t)(a2 >> 4) & 15;
    if (cpu->psw.problem && !(cpu->cr[3] & (0x80000000u >> key)))
        s370_program_exception(cpu, S370_PGM_PRIVILEGED);
    S370Psw old = cpu->psw;
    cpu->psw.key = key;
    s370_psw_changed(cpu, &old);
    return 0;
}
static S370_HELPER(s370_helper_spka, s370_helper_spka_fn, CONTROL_FLAGS);

/* IPK: the PSW key into GR2 bits 24-27, bits 28-31 zeroed, 0-23 kept.
 * In the problem state it needs the extraction-authority control, CR0
 * bit 4, else a privileged-operation exception (PoO-370 §10 "Insert PSW
 * Key", PoO-390 §10). */
static uint64_t s370_helper_ipk_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1, (void)a2;
    S370CPU *cpu = s370_cpu(c);
    if (cpu->psw.problem && !(cpu->cr[0] & CR0_EXTRACTION_AUTHORITY))
        s370_program_exception(cpu, S370_PGM_PRIVILEGED);
    s370_set_gr32(cpu, 2, (s370_gr32(cpu, 2) & 0xffffff00u) | (uint32_t)cpu->psw.key << 4);
    return 0;
}
static S370_HELPER(s370_helper_ipk, s370_helper_ipk_fn, CONTROL_FLAGS);

void s370_control_regs_changed(S370CPU *cpu, uint32_t old_cr0, uint32_t old_cr1)
{
    CPUState *c = &cpu->common;
    /* Translation parameters feed every TLB entry. */
    if (cpu->cr[0] != old_cr0 || cpu->cr[1] != old_cr1) tlb_flush(c);
    s370_timer_update(cpu);
    cpu_interrupt(c, CPU_INTERRUPT_EXITTB); /* masks may have opened */
}

/* LCTL, STCTL: control registers r1 through r3, wrapping. */
static uint64_t s370_helper_lctl_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)a1;
    S370CPU *cpu = s370_cpu(c);
    unsigned r1 = S370_FIELD_R1(f), r3 = S370_FIELD_R3(f), n = ((r3 - r1) & 15) + 1;
    s370_require_aligned(cpu, a2, 4);
    uint32_t vals[16];
    for (unsigned i = 0; i < n; i++)
        vals[i] = s370_load32(cpu, a2 + 4 * i);
    uint32_t cr0 = cpu->cr[0], cr1 = cpu->cr[1];
    for (unsigned i = 0; i < n; i++)
        cpu->cr[(r1 + i) & 15] = vals[i];
    s370_control_regs_changed(cpu, cr0, cr1);
    return 0;
}
static S370_HELPER(s370_helper_lctl, s370_helper_lctl_fn, CONTROL_FLAGS);

static uint64_t s370_helper_stctl_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)a1;
    S370CPU *cpu = s370_cpu(c);
    unsigned r1 = S370_FIELD_R1(f), r3 = S370_FIELD_R3(f), n = ((r3 - r1) & 15) + 1;
    s370_require_aligned(cpu, a2, 4);
    s370_probe(cpu, a2, 4 * n, MMU_WRITE);
    for (unsigned i = 0; i < n; i++)
        s370_store32(cpu, a2 + 4 * i, cpu->cr[(r1 + i) & 15]);
    return 0;
}
static S370_HELPER(s370_helper_stctl, s370_helper_stctl_fn, CONTROL_FLAGS);

/* STAP, STIDP: this CPU's address and identification (PoO-370 §10
 * "Store CPU ID": version, serial number, model, MCEL length). */
static uint64_t s370_helper_stap_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    s370_require_aligned(cpu, a2, 2);
    s370_store16(cpu, a2, (uint16_t)c->cpu_index);
    return 0;
}
static S370_HELPER(s370_helper_stap, s370_helper_stap_fn, CONTROL_FLAGS);

static uint64_t s370_helper_stidp_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    s370_require_aligned(cpu, a2, 8);
    uint64_t id = (uint64_t)(cpu->cpuid_serial & 0x00ffffffu) << 32 |
                  (uint64_t)cpu->cpuid_model << 16 | (cpu->arch == S370_ARCH_370 ? 512 : 0);
    s370_store64(cpu, a2, id);
    return 0;
}
static S370_HELPER(s370_helper_stidp, s370_helper_stidp_fn, CONTROL_FLAGS);

/* SPX, STPX: the prefix (bits 8-19 in S/370, 1-19 in ESA/390). */
static uint64_t s370_helper_spx_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    s370_require_aligned(cpu, a2, 4);
    if (!s370_prefix_set(cpu, s370_load32(cpu, a2)))
        s370_program_exception(cpu, S370_PGM_ADDRESSING);
    return 0;
}

bool s370_prefix_set(S370CPU *cpu, uint32_t value)
{
    uint32_t mask = cpu->arch == S370_ARCH_390 ? 0x7ffff000u : 0x00fff000u;
    uint32_t p = value & mask;
    if (!s370_abs_valid(cpu, p, 4096)) return false;
    cpu->prefix = p;
    tlb_flush(&cpu->common);
    return true;
}
static S370_HELPER(s370_helper_spx, s370_helper_spx_fn, CONTROL_FLAGS);

static uint64_t s370_helper_stpx_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    s370_require_aligned(cpu, a2, 4);
    s370_store32(cpu, a2, cpu->prefix);
    return 0;
}
static S370_HELPER(s370_helper_stpx, s370_helper_stpx_fn, CONTROL_FLAGS);

/* SIGP: this machine has one CPU (address 0).  Orders to other addresses
 * get CC 3 (not operational); to itself, sense reports no status, and
 * restart makes a restart interruption pending (PoO-370 §4 "Signaling"). */
static uint64_t s370_helper_sigp_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)a1;
    S370CPU *cpu = s370_cpu(c);
    unsigned r3 = S370_FIELD_R3(f);
    uint16_t addr = (uint16_t)s370_gr32(cpu, r3);
    unsigned order = (unsigned)a2 & 0xff;
    if (addr != c->cpu_index) return 3;
    switch (order) {
    case 0x01: /* sense */ return 0;
    case 0x06: /* restart */ cpu_interrupt(c, S370_INTERRUPT_RESTART); return 0;
    default:
        LOG_MASK(LOG_UNIMP, "s370: SIGP order %02x to self is not implemented\n", order);
        s370_set_gr32(cpu, S370_FIELD_R1(f), 0x00000002u); /* invalid order */
        return 1;
    }
}
static S370_HELPER(s370_helper_sigp, s370_helper_sigp_fn, CONTROL_FLAGS);

/* MC: a monitor event when the class's mask bit in CR8 is on (PoO-370
 * §10 "Monitor Call"): class at 149, code (the address) at 156. */
static uint64_t s370_helper_mc_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)a2;
    S370CPU *cpu = s370_cpu(c);
    unsigned cls = (unsigned)S370_FIELD_IMM(f) & 0xff;
    if (cls & 0xf0) s370_program_exception(cpu, S370_PGM_SPECIFICATION);
    if (!(cpu->cr[8] & (0x8000u >> cls))) return 0;
    uint64_t psa = s370_real_to_abs(cpu, 0);
    uint8_t b = (uint8_t)cls;
    s370_abs_write(cpu, psa + 149, &b, 1);
    s370_abs_store32(cpu, psa + 156, (uint32_t)a1);
    s370_program_exception(cpu, S370_PGM_MONITOR);
}
static S370_HELPER(s370_helper_mc, s370_helper_mc_fn, CONTROL_FLAGS);

/* DIAGNOSE: model-dependent; doppel defines none, so it completes with
 * no effect and is logged (what Hercules does for unknown codes under
 * its default settings is a specification exception; guests that probe
 * with DIAGNOSE get that). */
static uint64_t s370_helper_diagnose_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    LOG_MASK(LOG_UNIMP, "s370: DIAGNOSE code %03llx is not implemented\n",
             (unsigned long long)(a2 & 0xfff));
    s370_program_exception(cpu, S370_PGM_SPECIFICATION);
}
static S370_HELPER(s370_helper_diagnose, s370_helper_diagnose_fn, CONTROL_FLAGS);

#define H(k, n, fmt, archs, fl, helper)                                                            \
    {                                                                                              \
        k, n, S370_FMT_##fmt, archs, fl, s370_lift_helper, &helper, 0                              \
    }
#define PRIV S370F_PRIV

static const S370InsnDef s370_control_table[] = {
    H(0x0400, "SPM", RR, S370_IN_ALL, S370F_ENDS_TB, s370_helper_spm),
    H(0x0a00, "SVC", I, S370_IN_ALL, 0, s370_helper_svc),
    H(0x8000, "SSM", S, S370_IN_ALL, PRIV | S370F_ENDS_TB, s370_helper_ssm),
    H(0x8200, "LPSW", S, S370_IN_ALL, PRIV | S370F_SETS_PC, s370_helper_lpsw),
    H(0x8300, "DIAG", RS, S370_IN_ALL, PRIV, s370_helper_diagnose),
    H(0xac00, "STNSM", SI, S370_IN_ALL, PRIV | S370F_ENDS_TB, s370_helper_stnsm),
    H(0xad00, "STOSM", SI, S370_IN_ALL, PRIV | S370F_ENDS_TB, s370_helper_stosm),
    H(0xae00, "SIGP", RS, S370_IN_ALL, PRIV | S370F_SETS_CC, s370_helper_sigp),
    H(0xaf00, "MC", SI, S370_IN_ALL, 0, s370_helper_mc),
    H(0xb202, "STIDP", S, S370_IN_ALL, PRIV, s370_helper_stidp),
    H(0xb20a, "SPKA", S, S370_IN_ALL, S370F_ENDS_TB, s370_helper_spka),
    H(0xb20b, "IPK", S, S370_IN_ALL, 0, s370_helper_ipk),
    H(0xb210, "SPX", S, S370_IN_ALL, PRIV | S370F_ENDS_TB, s370_helper_spx),
    H(0xb211, "STPX", S, S370_IN_ALL, PRIV, s370_helper_stpx),
    H(0xb212, "STAP", S, S370_IN_ALL, PRIV, s370_helper_stap),
    H(0xb222, "IPM", RRE, S370_IN_390, 0, s370_helper_ipm),
    H(0xb600, "STCTL", RS, S370_IN_ALL, PRIV, s370_helper_stctl),
    H(0xb700, "LCTL", RS, S370_IN_ALL, PRIV | S370F_ENDS_TB, s370_helper_lctl),
};
S370_GROUP(control, s370_control_table);
