/*
 * RDMSR/WRMSR and the time-stamp counter (SDM Vol 4 "Model-Specific
 * Registers", Vol 2 RDMSR/WRMSR/RDTSC): the MSRs the BIOS (SeaBIOS) and
 * 32-bit Linux read and write on this i686.  An MSR not listed here does
 * not exist: RDMSR/WRMSR raise #GP(0) (the caller), logged under
 * -d unimp.  MTRRs and PAT are stored and checked but do not change how
 * memory is cached (all of it behaves as write-back).
 */
#include "frontends/x86/x86_msr.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/machine.h"
#include "frontends/x86/x86_internal.h"

/* The physical-address width: 36 bits (PAE; no leaf 0x80000008). */
#define X86_PHYS_MASK 0x0000000ffffff000ull

/* IA32_MISC_ENABLE (SDM Vol 4 table 2-2): fast strings, automatic
 * thermal control, limit CPUID maxval, xTPR disable and XD disable are
 * writable; BTS and PEBS unavailable (bits 11, 12) read as 1. */
#define X86_MISC_FAST_STRINGS (1ull << 0)
#define X86_MISC_WRITABLE                                                                          \
    (X86_MISC_FAST_STRINGS | 1ull << 3 | 1ull << 22 | 1ull << 23 | X86_MISC_XD_DISABLE)
#define X86_MISC_FIXED (1ull << 11 | 1ull << 12)

/* IA32_MTRRCAP: 8 variable ranges, fixed ranges, write-combining. */
#define X86_MTRRCAP_VALUE (8u | 1u << 8 | 1u << 10)

#define X86_PAT_RESET 0x0007040600070406ull

static int64_t x86_virtual_ns(const X86CPU *cpu)
{
    Clocks *c = cpu->common.machine ? cpu->common.machine->clocks : NULL;
    return c ? clock_get_ns(c, CLK_VIRTUAL) : 0;
}

void x86_msr_reset(X86CPU *cpu)
{
    cpu->tsc_offset = 0 - (uint64_t)x86_virtual_ns(cpu); /* the TSC is 0 at reset */
    cpu->apic_base = X86_APIC_BASE_RESET;
    cpu->sysenter_cs = cpu->sysenter_esp = cpu->sysenter_eip = 0;
    cpu->efer = 0;
    cpu->pat = X86_PAT_RESET;
    cpu->mtrr_def_type = 0;
    for (unsigned i = 0; i < 11; i++)
        cpu->mtrr_fixed[i] = 0;
    for (unsigned i = 0; i < 16; i++)
        cpu->mtrr_var[i] = 0;
    cpu->misc_enable = X86_MISC_FAST_STRINGS | X86_MISC_FIXED;
}

/* The TSC counts virtual nanoseconds (a 1 GHz clock), so it is constant
 * rate and repeats exactly under -icount. */
uint64_t x86_rdtsc(X86CPU *cpu)
{
    return (uint64_t)x86_virtual_ns(cpu) + cpu->tsc_offset;
}

/* Memory types of MTRRs (SDM Vol 3 §11.11.1 table 11-8: UC WC WT WP WB)
 * and of PAT entries (§11.12.2 table 11-10: the same plus UC-). */
static bool x86_mtrr_type_valid(unsigned t)
{
    return t == 0 || t == 1 || t == 4 || t == 5 || t == 6;
}
static bool x86_pat_type_valid(unsigned t)
{
    return x86_mtrr_type_valid(t) || t == 7;
}

/* Eight memory-type bytes (fixed-range MTRRs, PAT). */
static bool x86_type_bytes_valid(uint64_t v, bool pat)
{
    for (unsigned i = 0; i < 8; i++) {
        unsigned t = (unsigned)(v >> 8 * i) & 0xff;
        if (!(pat ? x86_pat_type_valid(t) : x86_mtrr_type_valid(t))) return false;
    }
    return true;
}

/* The fixed-range MTRR slot of msr (0-10), or -1. */
static int x86_mtrr_fixed_index(uint32_t msr)
{
    if (msr == X86_MSR_MTRR_FIX64K_00000) return 0;
    if (msr == X86_MSR_MTRR_FIX16K_80000) return 1;
    if (msr == X86_MSR_MTRR_FIX16K_A0000) return 2;
    if (msr >= X86_MSR_MTRR_FIX4K_C0000 && msr < X86_MSR_MTRR_FIX4K_C0000 + 8)
        return 3 + (int)(msr - X86_MSR_MTRR_FIX4K_C0000);
    return -1;
}

static bool x86_is_mtrr_var(uint32_t msr)
{
    return msr >= X86_MSR_MTRR_PHYSBASE0 && msr < X86_MSR_MTRR_PHYSBASE0 + 16;
}

bool x86_rdmsr(X86CPU *cpu, uint32_t msr, uint64_t *value)
{
    int fixed = x86_mtrr_fixed_index(msr);
    if (fixed >= 0) {
        *value = cpu->mtrr_fixed[fixed];
        return true;
    }
    if (x86_is_mtrr_var(msr)) {
        *value = cpu->mtrr_var[msr - X86_MSR_MTRR_PHYSBASE0];
        return true;
    }
    switch (msr) {
    case X86_MSR_TSC: *value = x86_rdtsc(cpu); return true;
    case X86_MSR_PLATFORM_ID: *value = 0; return true;
    case X86_MSR_APIC_BASE: *value = cpu->apic_base; return true;
    case X86_MSR_BIOS_SIGN_ID: *value = 0; return true; /* no microcode update loaded */
    case X86_MSR_MTRRCAP: *value = X86_MTRRCAP_VALUE; return true;
    case X86_MSR_SYSENTER_CS: *value = cpu->sysenter_cs; return true;
    case X86_MSR_SYSENTER_ESP: *value = cpu->sysenter_esp; return true;
    case X86_MSR_SYSENTER_EIP: *value = cpu->sysenter_eip; return true;
    case X86_MSR_MCG_CAP: *value = 0; return true;    /* no error-reporting banks */
    case X86_MSR_MCG_STATUS: *value = 0; return true; /* no machine check in progress */
    case X86_MSR_MISC_ENABLE: *value = cpu->misc_enable; return true;
    case X86_MSR_PAT: *value = cpu->pat; return true;
    case X86_MSR_MTRR_DEF_TYPE: *value = cpu->mtrr_def_type; return true;
    case X86_MSR_EFER: *value = cpu->efer; return true;
    default: LOG_MASK(LOG_UNIMP, "x86: rdmsr of unknown MSR %#x\n", msr); return false;
    }
}

/* A variable-range MTRR: PHYSBASEn (even) holds the type in bits 7-0,
 * PHYSMASKn (odd) the valid flag in bit 11; both an address in bits
 * 35-12; the rest is reserved (SDM Vol 3 §11.11.2.3). */
static bool x86_mtrr_var_valid(unsigned index, uint64_t v)
{
    if (index & 1) return !(v & ~(X86_PHYS_MASK | 1ull << 11));
    return !(v & ~(X86_PHYS_MASK | 0xff)) && x86_mtrr_type_valid(v & 0xff);
}

bool x86_wrmsr(X86CPU *cpu, uint32_t msr, uint64_t value)
{
    int fixed = x86_mtrr_fixed_index(msr);
    if (fixed >= 0) {
        if (!x86_type_bytes_valid(value, false)) return false;
        cpu->mtrr_fixed[fixed] = value;
        return true;
    }
    if (x86_is_mtrr_var(msr)) {
        unsigned index = msr - X86_MSR_MTRR_PHYSBASE0;
        if (!x86_mtrr_var_valid(index, value)) return false;
        cpu->mtrr_var[index] = value;
        return true;
    }
    switch (msr) {
    case X86_MSR_TSC: cpu->tsc_offset = value - (uint64_t)x86_virtual_ns(cpu); return true;
    case X86_MSR_APIC_BASE:
        /* BSP (bit 8), global enable (bit 11), base (bits 35-12). */
        if (value & ~(X86_PHYS_MASK | 1ull << 11 | 1ull << 8)) return false;
        cpu->apic_base = value;
        if (cpu->apic_base_changed) cpu->apic_base_changed(cpu->apic_opaque, value);
        return true;
    case X86_MSR_BIOS_SIGN_ID: return true; /* Linux writes 0 before reading the revision */
    case X86_MSR_SYSENTER_CS: cpu->sysenter_cs = (uint32_t)value; return true;
    case X86_MSR_SYSENTER_ESP: cpu->sysenter_esp = (uint32_t)value; return true;
    case X86_MSR_SYSENTER_EIP: cpu->sysenter_eip = (uint32_t)value; return true;
    case X86_MSR_MCG_STATUS:
        /* RIPV, EIPV, MCIP are writable; no machine check ever sets them,
         * so writing zero is all a guest does. */
        return !(value & ~7ull);
    case X86_MSR_MISC_ENABLE:
        if (value & ~(X86_MISC_WRITABLE | X86_MISC_FIXED)) return false;
        cpu->misc_enable = (value & X86_MISC_WRITABLE) | X86_MISC_FIXED;
        return true;
    case X86_MSR_PAT:
        if (!x86_type_bytes_valid(value, true)) return false;
        cpu->pat = value;
        return true;
    case X86_MSR_MTRR_DEF_TYPE:
        /* Type (bits 7-0), FE (10), E (11). */
        if ((value & ~(0xffull | 1ull << 10 | 1ull << 11)) || !x86_mtrr_type_valid(value & 0xff))
            return false;
        cpu->mtrr_def_type = value;
        return true;
    case X86_MSR_EFER:
        /* Only NXE exists on this 32-bit processor, and only while
         * MISC_ENABLE.XD_DISABLE is clear (CPUID then reports NX). */
        if (value & ~(uint64_t)X86_EFER_NXE) return false;
        if ((value & X86_EFER_NXE) && (cpu->misc_enable & X86_MISC_XD_DISABLE)) return false;
        if ((cpu->efer ^ value) & X86_EFER_NXE) x86_tlb_flush(cpu, false); /* PTE meaning changes */
        cpu->efer = value;
        return true;
    case X86_MSR_PLATFORM_ID:
    case X86_MSR_MTRRCAP:
    case X86_MSR_MCG_CAP: return false; /* read-only */
    default:
        LOG_MASK(LOG_UNIMP, "x86: wrmsr of unknown MSR %#x value %#llx\n", msr,
                 (unsigned long long)value);
        return false;
    }
}
