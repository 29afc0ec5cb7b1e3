/*
 * -d int for x86: one line per event delivered, in the SDM's words
 * (SDM Vol 3 §6.3 table 6-1 "Protected-Mode Exceptions and Interrupts"):
 * what kind of event (exception, INT n, INT3/INTO, hardware interrupt,
 * NMI), the vector with its mnemonic, the error code when the vector
 * pushes one, CR2 for #PF, where it happened (CS:EIP and the linear pc)
 * and the mode with its CPL.  Callers test log_enabled(LOG_INT) first,
 * so nothing here runs when the category is off.
 */
#include "core/log.h"
#include "frontends/x86/x86_sysrt.h"

static const char *const x86_vector_mnemonics[32] = {
    [X86_EXCP_DE] = "#DE divide error",
    [X86_EXCP_DB] = "#DB debug",
    [X86_EXCP_NMI] = "NMI",
    [X86_EXCP_BP] = "#BP breakpoint",
    [X86_EXCP_OF] = "#OF overflow",
    [X86_EXCP_BR] = "#BR BOUND range exceeded",
    [X86_EXCP_UD] = "#UD invalid opcode",
    [X86_EXCP_NM] = "#NM device not available",
    [X86_EXCP_DF] = "#DF double fault",
    [9] = "coprocessor segment overrun",
    [X86_EXCP_TS] = "#TS invalid TSS",
    [X86_EXCP_NP] = "#NP segment not present",
    [X86_EXCP_SS] = "#SS stack-segment fault",
    [X86_EXCP_GP] = "#GP general protection",
    [X86_EXCP_PF] = "#PF page fault",
    [X86_EXCP_MF] = "#MF x87 floating-point error",
    [X86_EXCP_AC] = "#AC alignment check",
    [X86_EXCP_MC] = "#MC machine check",
    [X86_EXCP_XM] = "#XM SIMD floating-point",
    [20] = "#VE virtualization",
};

const char *x86_vector_name(int vector)
{
    if (vector < 0 || vector >= 32) return NULL;
    return x86_vector_mnemonics[vector];
}

static const char *const x86_event_kinds[] = {
    [X86_EVENT_EXCEPTION] = "exception",
    [X86_EVENT_INT_N] = "INT",
    [X86_EVENT_INT3_INTO] = "trap",
    [X86_EVENT_HW_IRQ] = "hardware interrupt",
    [X86_EVENT_NMI] = "NMI",
};

void x86_log_event(X86CPU *cpu, X86EventKind kind, int vector, bool has_error, uint32_t error_code)
{
    const char *mode = !(cpu->cr[0] & X86_CR0_PE) ? "real mode"
                       : (cpu->eflags & X86_VM)   ? "vm86 mode"
                                                  : "protected mode";
    const char *name =
        kind == X86_EVENT_HW_IRQ || kind == X86_EVENT_INT_N ? NULL : x86_vector_name(vector);
    char err[32] = "", cr2[24] = "";
    if (has_error) snprintf(err, sizeof err, " error %04x", error_code);
    if (vector == X86_EXCP_PF && kind == X86_EVENT_EXCEPTION)
        snprintf(cr2, sizeof cr2, " CR2=%08x", cpu->cr[2]);
    log_printf("x86: %s 0x%02x%s%s%s%s at %04x:%08x (linear %08x) %s CPL %u\n",
               x86_event_kinds[kind], (unsigned)vector, name ? " " : "", name ? name : "", err, cr2,
               cpu->segs[X86_SEG_CS].selector, x86_get_eip(cpu), (uint32_t)cpu->common.pc, mode,
               x86_cpl(cpu));
}
