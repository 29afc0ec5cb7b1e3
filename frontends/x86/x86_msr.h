/*
 * Model-specific registers of the emulated i686 (x86_msr.c; SDM Vol 4
 * "Model-Specific Registers"): their numbers, and the reset of the MSR
 * part of the cpu state.  RDMSR/WRMSR/RDTSC are declared in
 * x86_internal.h.
 */
#ifndef DOPPEL_X86_MSR_H
#define DOPPEL_X86_MSR_H

#include "frontends/x86/x86.h"

enum {
    X86_MSR_TSC = 0x10,
    X86_MSR_PLATFORM_ID = 0x17,
    X86_MSR_APIC_BASE = 0x1b,
    X86_MSR_BIOS_SIGN_ID = 0x8b, /* microcode revision (IA32_BIOS_SIGN_ID) */
    X86_MSR_MTRRCAP = 0xfe,
    X86_MSR_SYSENTER_CS = 0x174,
    X86_MSR_SYSENTER_ESP = 0x175,
    X86_MSR_SYSENTER_EIP = 0x176,
    X86_MSR_MCG_CAP = 0x179,
    X86_MSR_MCG_STATUS = 0x17a,
    X86_MSR_MISC_ENABLE = 0x1a0,
    X86_MSR_MTRR_PHYSBASE0 = 0x200, /* 0x200-0x20f: base/mask pairs 0-7 */
    X86_MSR_MTRR_FIX64K_00000 = 0x250,
    X86_MSR_MTRR_FIX16K_80000 = 0x258,
    X86_MSR_MTRR_FIX16K_A0000 = 0x259,
    X86_MSR_MTRR_FIX4K_C0000 = 0x268, /* 0x268-0x26f */
    X86_MSR_PAT = 0x277,
    X86_MSR_MTRR_DEF_TYPE = 0x2ff,
    X86_MSR_EFER = 0xc0000080,
};

/* EFER bits (SDM Vol 4 table 2-2 "IA32_EFER"). */
enum {
    X86_EFER_SCE = 1u << 0,
    X86_EFER_LME = 1u << 8,
    X86_EFER_LMA = 1u << 10,
    X86_EFER_NXE = 1u << 11,
};

/* IA32_MISC_ENABLE.XD_DISABLE: hides NX from CPUID and EFER. */
#define X86_MISC_XD_DISABLE (1ull << 34)

/* IA32_APIC_BASE at reset: 0xfee00000, enabled (bit 11), bootstrap
 * processor (bit 8) (SDM Vol 3 §10.4.4). */
#define X86_APIC_BASE_RESET 0xfee00900ull

/* Power-up values of the MSR fields of X86CPU (SDM Vol 3 §9.1.1 table
 * 9-1): APIC base, PAT, MTRRs off, TSC from zero.  The cpu reset calls
 * it. */
void x86_msr_reset(X86CPU *cpu);

#endif
