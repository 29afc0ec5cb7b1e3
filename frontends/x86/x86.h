/*
 * The x86 CPU, 16- and 32-bit (i686 class: Pentium Pro/II with MMX, SSE,
 * SSE2).  Intel's SDM (cited "SDM Vol n §x") and AMD's APM are the
 * specification.
 *
 * This header is what a machine sees: the cpu struct, the hooks a board
 * connects (I/O ports, interrupt acknowledge, reset), and the entry points
 * for loaders (multiboot sets up protected mode directly).
 *
 * The program counter: common.pc holds the *linear* address of the next
 * instruction, cs.base + EIP, as the TB key needs (core/cpu_loop.c fetches
 * and looks up code by it).  EIP is pc - segs[X86_SEG_CS].base, truncated
 * to 32 bits (16 in a 16-bit code segment); x86_get_eip/x86_set_eip do
 * the arithmetic.
 */
#ifndef DOPPEL_X86_H
#define DOPPEL_X86_H

#include <stdbool.h>
#include <stdint.h>

#include "core/cpu.h"

struct AddressSpace;

/* General registers, in encoding order (SDM Vol 2 §2.1.5 table 2-2). */
enum {
    X86_EAX,
    X86_ECX,
    X86_EDX,
    X86_EBX,
    X86_ESP,
    X86_EBP,
    X86_ESI,
    X86_EDI,
    X86_NUM_GPRS = 8, /* 16 slots are kept for long mode */
};

/* Segment registers, in encoding order (the Sreg field). */
enum {
    X86_SEG_ES,
    X86_SEG_CS,
    X86_SEG_SS,
    X86_SEG_DS,
    X86_SEG_FS,
    X86_SEG_GS,
    X86_NUM_SEGS,
    X86_SEG_NONE = 7, /* decoder: no segment (LEA) */
};

/* Segment attributes in the VMX "access rights" layout (SDM Vol 3
 * §24.4.1 table 24-2): the descriptor's bits 40-47 and 52-55 as bits 0-7
 * and 12-15. */
enum {
    X86_SEGA_TYPE = 0xf,      /* descriptor type field */
    X86_SEGA_ACCESSED = 1,    /* type bit 0 (code/data) */
    X86_SEGA_WRITABLE = 2,    /* data: writable; code: readable */
    X86_SEGA_EXPAND_DOWN = 4, /* data: expand-down; code: conforming */
    X86_SEGA_CODE = 8,        /* code segment */
    X86_SEGA_S = 1 << 4,      /* code/data (1) or system (0) descriptor */
    X86_SEGA_DPL_SHIFT = 5,
    X86_SEGA_DPL = 3 << 5,
    X86_SEGA_P = 1 << 7, /* present */
    X86_SEGA_AVL = 1 << 12,
    X86_SEGA_L = 1 << 13,  /* 64-bit code (long mode, later) */
    X86_SEGA_DB = 1 << 14, /* default operation size / big */
    X86_SEGA_G = 1 << 15,  /* granularity (already applied to limit) */
};

/* A segment register: the visible selector and the hidden descriptor
 * cache (SDM Vol 3 §3.4.3).  The check ranges are derived from the cache
 * by x86_segment_update_checks whenever it changes, so a memory access
 * checks limit, expand direction, readability/writability and a null
 * selector with one range compare: an offset range [off, off + size - 1]
 * is allowed if it lies inside [lo, hi] (an empty range: lo > hi). */
typedef struct X86Segment {
    uint64_t base;
    uint32_t limit; /* in bytes (granularity applied) */
    uint16_t selector;
    uint16_t attr;               /* X86_SEGA_* */
    uint32_t read_lo, read_hi;   /* allowed offsets for data reads */
    uint32_t write_lo, write_hi; /* allowed offsets for writes */
} X86Segment;

/* A descriptor-table register (GDTR, IDTR). */
typedef struct X86TableReg {
    uint64_t base;
    uint32_t limit;
} X86TableReg;

/* EFLAGS bits (SDM Vol 1 §3.4.3). */
enum {
    X86_CF = 1 << 0,
    X86_PF = 1 << 2,
    X86_AF = 1 << 4,
    X86_ZF = 1 << 6,
    X86_SF = 1 << 7,
    X86_TF = 1 << 8,
    X86_IF = 1 << 9,
    X86_DF = 1 << 10,
    X86_OF = 1 << 11,
    X86_IOPL_SHIFT = 12,
    X86_IOPL = 3 << 12,
    X86_NT = 1 << 14,
    X86_RF = 1 << 16,
    X86_VM = 1 << 17,
    X86_AC = 1 << 18,
    X86_VIF = 1 << 19,
    X86_VIP = 1 << 20,
    X86_ID = 1 << 21,
    X86_ARITH_FLAGS = X86_CF | X86_PF | X86_AF | X86_ZF | X86_SF | X86_OF,
};

/* Control register bits (SDM Vol 3 §2.5). */
enum {
    X86_CR0_PE = 1u << 0,
    X86_CR0_MP = 1u << 1,
    X86_CR0_EM = 1u << 2,
    X86_CR0_TS = 1u << 3,
    X86_CR0_ET = 1u << 4,
    X86_CR0_NE = 1u << 5,
    X86_CR0_WP = 1u << 16,
    X86_CR0_AM = 1u << 18,
    X86_CR0_NW = 1u << 29,
    X86_CR0_CD = 1u << 30,
    X86_CR0_PG = 1u << 31,
    X86_CR4_VME = 1u << 0,
    X86_CR4_PVI = 1u << 1,
    X86_CR4_TSD = 1u << 2,
    X86_CR4_DE = 1u << 3,
    X86_CR4_PSE = 1u << 4,
    X86_CR4_PAE = 1u << 5,
    X86_CR4_MCE = 1u << 6,
    X86_CR4_PGE = 1u << 7,
    X86_CR4_PCE = 1u << 8,
    X86_CR4_OSFXSR = 1u << 9,
    X86_CR4_OSXMMEXCPT = 1u << 10,
};

/* Exception vectors (SDM Vol 3 §6.3.1 table 6-1). */
enum {
    X86_EXCP_DE = 0,  /* divide error */
    X86_EXCP_DB = 1,  /* debug */
    X86_EXCP_NMI = 2, /* non-maskable interrupt */
    X86_EXCP_BP = 3,  /* breakpoint (INT3) */
    X86_EXCP_OF = 4,  /* overflow (INTO) */
    X86_EXCP_BR = 5,  /* BOUND range exceeded */
    X86_EXCP_UD = 6,  /* invalid opcode */
    X86_EXCP_NM = 7,  /* device not available */
    X86_EXCP_DF = 8,  /* double fault */
    X86_EXCP_TS = 10, /* invalid TSS */
    X86_EXCP_NP = 11, /* segment not present */
    X86_EXCP_SS = 12, /* stack-segment fault */
    X86_EXCP_GP = 13, /* general protection */
    X86_EXCP_PF = 14, /* page fault */
    X86_EXCP_MF = 16, /* x87 floating-point error */
    X86_EXCP_AC = 17, /* alignment check */
    X86_EXCP_MC = 18, /* machine check */
    X86_EXCP_XM = 19, /* SIMD floating-point */
    /* cpu->exception_index values above the vectors. */
    X86_EXCP_SWINT = 0x100, /* INT n / INT3 / INTO: vector in pending_vector */
    X86_EXCP_HLT = 0x101,   /* HLT executed: enter the halted state */
};

/* interrupt_request bits of this frontend. */
enum {
    X86_INTERRUPT_INIT = CPU_INTERRUPT_TGT0 << 0, /* INIT (reserved for SMP) */
};

/* x87 register: 80-bit extended value in a 16-byte slot (bytes 0-9,
 * little-endian: 64-bit significand then sign/exponent). */
typedef struct X86Float80 {
    /* Aligned: MMX registers are its low 8 bytes, accessed as one
     * 64-bit ld_env/st_env. */
    _Alignas(16) uint8_t bytes[16];
} X86Float80;

typedef union X86Xmm {
    uint8_t b[16];
    uint16_t w[8];
    uint32_t l[4];
    uint64_t q[2];
} X86Xmm;

typedef struct X86CPU {
    CPUState common; /* common.pc: linear pc (see the file comment) */

    /* IR globals eax..edi are the low halves (host little-endian), so the
     * same slots grow to RAX..R15 for long mode. */
    uint64_t regs[16];
    /* Lazy condition codes (x86_internal.h "Lazy flags"): the arithmetic
     * flags are a function of cc_op and its operands until computed. */
    uint32_t cc_op, cc_dst, cc_src, cc_src2;
    /* EFLAGS without the six arithmetic flags and DF (always kept with
     * bit 1 set); DF lives in df as +1 or -1 for the string lifters. */
    uint32_t eflags;
    int32_t df;

    X86Segment segs[X86_NUM_SEGS];
    X86Segment ldtr, tr; /* attr holds the system type (2 LDT, 9/11 TSS) */
    X86TableReg gdtr, idtr;
    uint32_t cr[5]; /* CR0, (CR1), CR2, CR3, CR4 */
    uint32_t dr[8]; /* DR0-DR3, (DR4, DR5), DR6, DR7 */
    /* Data-breakpoint hits (DR6 B0-B3 layout) of the instruction running:
     * they become DR6 bits when its #DB trap is raised, and are dropped if
     * it faults (x86_debug.c). */
    uint32_t dr_pending;
    /* Mode bits derived from CR0, segments and EFLAGS
     * (x86_update_hflags), in the TB-flag layout of x86_internal.h. */
    uint32_t hflags;

    /* x87 (SDM Vol 1 §8.1): st(i) is fpregs[(fpstt + i) & 7]. */
    X86Float80 fpregs[8];
    uint32_t fpstt;   /* top of stack */
    uint16_t fpus;    /* status word without TOP (bits 11-13 kept zero) */
    uint16_t fpuc;    /* control word */
    uint8_t fptag[8]; /* 1 = empty; 0 = valid/zero/special (computed on save) */
    uint16_t fpop;    /* last opcode (11 bits) */
    uint32_t fpip, fpdp;
    uint16_t fpcs, fpds;

    X86Xmm xmm[8];
    uint32_t mxcsr;

    /* MSRs SeaBIOS and Linux touch (x86_msr.c). */
    uint64_t tsc_offset; /* TSC = virtual ns (x86_tsc) + offset */
    uint64_t apic_base;
    uint32_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t efer; /* EFER.NXE (bit 11) enables the PAE NX bit; LME is long mode's */
    uint64_t pat;
    uint64_t mtrr_def_type, mtrr_fixed[11], mtrr_var[16];
    uint64_t misc_enable;

    /* Exception being raised (x86_raise_exception): vector, error code,
     * whether the error code is pushed, and for software interrupts the
     * length of the INT instruction (the return address is after it). */
    int pending_vector;
    uint32_t error_code;
    bool has_error_code;
    uint8_t swint_len;
    /* The previous exception of a delivery in progress: benign,
     * contributory and page-fault classes decide double and triple faults
     * (SDM Vol 3 §6.15 "Interrupt 8" table 6-5). */
    int delivering_vector;
    /* One instruction after MOV SS, POP SS and STI runs with interrupts
     * inhibited (SDM Vol 3 §6.8.3). */
    bool inhibit_irq;

    /* A20 gate: bit 20 of every physical address is ANDed with this. */
    uint32_t a20_mask;

    /* Machine connections. */
    struct AddressSpace *io; /* the 64 KiB I/O port space (IN/OUT) */
    /* Interrupt acknowledge: the vector of the pending INTR, or -1 if it
     * went away.  NULL: no interrupt controller. */
    int (*intr_ack)(void *opaque);
    void *intr_opaque;
    /* Local APIC (devices/intc/apic.c): told after every accepted write of
     * IA32_APIC_BASE (relocation, global enable/disable).  NULL: the board
     * has no local APIC. */
    void (*apic_base_changed)(void *opaque, uint64_t value);
    void *apic_opaque;
    /* Triple fault and reset requests (port 0x92, keyboard controller):
     * NULL means the cpu just resets itself. */
    void (*reset_request)(void *opaque);
    void *reset_opaque;
} X86CPU;

static inline X86CPU *x86_cpu(CPUState *c)
{
    return (X86CPU *)c;
}

extern const ArchOps x86_arch_ops;

/* EIP of the next instruction. */
uint32_t x86_get_eip(const X86CPU *cpu);
/* Set EIP (pc = cs.base + eip). */
void x86_set_eip(X86CPU *cpu, uint32_t eip);
/* Full EFLAGS with the lazy arithmetic flags computed. */
uint32_t x86_get_eflags(X86CPU *cpu);
/* Set EFLAGS bits in mask from value (all writable bits: mask ~0). */
void x86_set_eflags(X86CPU *cpu, uint32_t value, uint32_t mask);
/* Recompute hflags after a change of CR0, CR4, EFLAGS.VM, a segment
 * cache or CPL. */
void x86_update_hflags(X86CPU *cpu);

/* Loaders: load a segment register with a flat descriptor-cache value
 * as if a descriptor had been loaded (no table access), and the
 * multiboot v1 entry state (SDM Vol 3 §9.9 protected mode, flat 4 GiB
 * code and data, paging off; Multiboot 0.6.96 §3.2 "Machine state"). */
void x86_load_segment_cache(X86CPU *cpu, int seg, uint16_t selector, uint64_t base, uint32_t limit,
                            uint16_t attr);
void x86_setup_multiboot_state(X86CPU *cpu, uint32_t entry, uint32_t info_addr);
/* The same flat protected-mode state with chosen selectors and GDTR, for
 * the Linux 32-bit boot protocol (__BOOT_CS 0x10, __BOOT_DS 0x18; the
 * caller writes the GDT the selectors name).  General registers are left
 * as they are. */
void x86_setup_flat_protected_state(X86CPU *cpu, uint16_t code_sel, uint16_t data_sel,
                                    uint32_t gdt_base, uint16_t gdt_limit, uint32_t entry);

/* CPUID as the guest sees it (boards: SMBIOS processor ids). */
void x86_cpuid(X86CPU *cpu, uint32_t leaf, uint32_t subleaf, uint32_t out[4]);

/* Port I/O through cpu->io (also for INS/OUTS helpers); size 1, 2, 4. */
uint32_t x86_port_read(X86CPU *cpu, uint16_t port, unsigned size);
void x86_port_write(X86CPU *cpu, uint16_t port, uint32_t value, unsigned size);

#endif
