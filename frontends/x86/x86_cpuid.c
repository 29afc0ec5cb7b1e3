/*
 * CPUID (SDM Vol 2 CPUID): the emulated processor is a "GenuineIntel"
 * family 6 model 15 part with the i686 feature set this frontend
 * implements, and nothing more:
 *
 *   leaf 1 EDX  FPU VME DE PSE TSC MSR PAE MCE CX8 APIC SEP MTRR PGE MCA
 *               CMOV PAT CLFSH MMX FXSR SSE SSE2
 *   leaf 1 ECX  none (no SSE3, no MONITOR, no XSAVE)
 *   0x80000001  NX (EDX bit 20) for PAE page tables with EFER.NXE, unless
 *               MISC_ENABLE.XD_DISABLE; no long mode, no SYSCALL
 *
 * Each bit is backed by behaviour: VME and PVI (CR4), DE (CR4.DE makes
 * DR4/DR5 #UD), PSE 4 MiB pages, TSC and CR4.TSD, MSR (x86_msr.c), PAE
 * with NX, MCE (CR4.MCE; no machine checks are ever signalled), CX8
 * (CMPXCHG8B), APIC (IA32_APIC_BASE; the local APIC itself is the
 * machine's), SEP (SYSENTER/SYSEXIT), MTRR and PAT (their MSRs: stored,
 * with no effect on caching), PGE (global pages), MCA (MCG_CAP with no
 * banks), CMOV, CLFLUSH (a no-op after its checks), MMX, FXSR, SSE, SSE2.
 *
 * Family 6 model 15 rather than a Pentium Pro's model 1: Linux clears PAT
 * on family 6 models below 15 (a Pentium III and Core Duo erratum), and
 * treats the TSC of model 14 and later as constant, which this one is
 * (it counts virtual nanoseconds).
 */
#include <string.h>

#include "frontends/x86/x86_internal.h"
#include "frontends/x86/x86_msr.h"

/* The processor signature of leaf 1 EAX (SDM Vol 2 CPUID figure 3-6):
 * family 6, model 15, stepping 1. */
#define X86_CPUID_SIGNATURE 0x000006f1u

/* Leaf 1 EDX feature bits (SDM Vol 2 CPUID table 3-11). */
enum {
    CPUID_FPU = 1u << 0,
    CPUID_VME = 1u << 1,
    CPUID_DE = 1u << 2,
    CPUID_PSE = 1u << 3,
    CPUID_TSC = 1u << 4,
    CPUID_MSR = 1u << 5,
    CPUID_PAE = 1u << 6,
    CPUID_MCE = 1u << 7,
    CPUID_CX8 = 1u << 8,
    CPUID_APIC = 1u << 9,
    CPUID_SEP = 1u << 11,
    CPUID_MTRR = 1u << 12,
    CPUID_PGE = 1u << 13,
    CPUID_MCA = 1u << 14,
    CPUID_CMOV = 1u << 15,
    CPUID_PAT = 1u << 16,
    CPUID_CLFSH = 1u << 19,
    CPUID_MMX = 1u << 23,
    CPUID_FXSR = 1u << 24,
    CPUID_SSE = 1u << 25,
    CPUID_SSE2 = 1u << 26,
    CPUID_EXT_NX = 1u << 20, /* leaf 0x80000001 EDX */
};

#define X86_CPUID_FEATURES                                                                         \
    (CPUID_FPU | CPUID_VME | CPUID_DE | CPUID_PSE | CPUID_TSC | CPUID_MSR | CPUID_PAE |            \
     CPUID_MCE | CPUID_CX8 | CPUID_APIC | CPUID_SEP | CPUID_MTRR | CPUID_PGE | CPUID_MCA |         \
     CPUID_CMOV | CPUID_PAT | CPUID_CLFSH | CPUID_MMX | CPUID_FXSR | CPUID_SSE | CPUID_SSE2)

#define X86_CPUID_MAX_BASIC 2u
#define X86_CPUID_MAX_EXT   0x80000004u

typedef struct X86CpuidLeaf {
    uint32_t leaf;
    uint32_t eax, ebx, ecx, edx;
} X86CpuidLeaf;

/* The fixed leaves.  Leaf 1 EBX bits 31-24 (initial APIC ID) are the
 * cpu index, filled in by x86_cpuid; the brand string leaves come from
 * x86_cpuid_brand. */
static const X86CpuidLeaf x86_cpuid_leaves[] = {
    /* Maximum basic leaf; vendor "GenuineIntel" in EBX, EDX, ECX. */
    {0, X86_CPUID_MAX_BASIC, 0x756e6547 /* Genu */, 0x6c65746e /* ntel */, 0x49656e69 /* ineI */},
    /* Signature; EBX: CLFLUSH line 8 * 8 = 64 bytes (bits 15-8), one
     * logical processor; ECX: no features. */
    {1, X86_CPUID_SIGNATURE, 8u << 8, 0, X86_CPUID_FEATURES},
    /* Cache and TLB descriptors (SDM Vol 2 CPUID table 3-12), one
     * iteration (AL = 1): 0x30 L1I 32K 8-way 64B, 0x2c L1D 32K 8-way 64B,
     * 0x7d L2 2M 8-way 64B; 0xb0 ITLB 4K pages 128 entries 4-way, 0xb3
     * DTLB 4K pages 128 entries 4-way, 0xf0 64-byte prefetching. */
    {2, 0x7d2c3001, 0x00f0b3b0, 0, 0},
    {0x80000000, X86_CPUID_MAX_EXT, 0, 0, 0},
    {0x80000001, 0, 0, 0, CPUID_EXT_NX},
};

/* Leaves 0x80000002-0x80000004: 48 bytes, NUL padded. */
static const char x86_cpuid_brand[48] = "doppel i686 CPU";

void x86_cpuid(X86CPU *cpu, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
    (void)subleaf; /* no leaf of this processor has subleaves */
    /* Beyond the basic or extended range: the highest basic leaf (SDM
     * Vol 2 CPUID "If a value entered for CPUID.EAX is higher than the
     * maximum input value ..."). */
    if (leaf >= 0x80000000u ? leaf > X86_CPUID_MAX_EXT : leaf > X86_CPUID_MAX_BASIC)
        leaf = X86_CPUID_MAX_BASIC;
    if (leaf >= 0x80000002u && leaf <= 0x80000004u) {
        memcpy(out, x86_cpuid_brand + 16 * (leaf - 0x80000002u), 16);
        return;
    }
    out[0] = out[1] = out[2] = out[3] = 0;
    for (size_t i = 0; i < sizeof x86_cpuid_leaves / sizeof x86_cpuid_leaves[0]; i++) {
        const X86CpuidLeaf *l = &x86_cpuid_leaves[i];
        if (l->leaf != leaf) continue;
        out[0] = l->eax;
        out[1] = l->ebx;
        out[2] = l->ecx;
        out[3] = l->edx;
    }
    if (leaf == 1) out[1] |= (uint32_t)(cpu->common.cpu_index & 0xff) << 24;
    /* IA32_MISC_ENABLE.XD_DISABLE hides NX (SDM Vol 4 table 2-2). */
    if (leaf == 0x80000001u && (cpu->misc_enable & X86_MISC_XD_DISABLE)) out[3] &= ~CPUID_EXT_NX;
}
