/*
 * The System/370 family CPU: S/370 (BC and EC mode) and ESA/390, one
 * frontend whose mode differences live in tables (s370_arch.c).  The
 * Principles of Operation are the specification: GA22-7000 (S/370, cited
 * "PoO-370 §n") and SA22-7201 (ESA/390, cited "PoO-390 §n").
 *
 * This header is what a machine sees: the cpu struct, its architecture
 * modes, and the hooks a board connects (storage keys, channel I/O,
 * disabled-wait exit, IPL).
 */
#ifndef DOPPEL_S370_H
#define DOPPEL_S370_H

#include <stdbool.h>
#include <stdint.h>

#include "core/channel_io.h"
#include "core/cpu.h"

struct Timer;

/* Architecture modes, chosen by the machine. */
typedef enum S370ArchMode {
    S370_ARCH_370 = 0, /* System/370: BC and EC PSWs, 24-bit addresses */
    S370_ARCH_390 = 1, /* ESA/390: ESA PSW, 24/31-bit addresses */
    S370_ARCH_COUNT
} S370ArchMode;

/* Bit per architecture, for instruction tables. */
enum {
    S370_IN_370 = 1 << S370_ARCH_370,
    S370_IN_390 = 1 << S370_ARCH_390,
    S370_IN_ALL = S370_IN_370 | S370_IN_390,
};

/* The PSW held in decoded form; s370_psw.c converts to and from the BC,
 * EC and ESA/390 formats.  The instruction address is cpu->common.pc. */
typedef struct S370Psw {
    uint8_t sysmask;  /* PSW bits 0-7 as stored in the current format */
    uint8_t key;      /* bits 8-11 */
    bool ec;          /* S/370 bit 12: EC mode (always set in ESA/390 terms) */
    bool mchk;        /* machine-check mask */
    bool wait;        /* wait state */
    bool problem;     /* problem state */
    uint8_t asc;      /* ESA/390 address-space control (bits 16-17) */
    uint8_t pgm_mask; /* fixed-overflow, decimal-overflow, exponent-underflow, significance */
    bool amode31;     /* ESA/390 bit 32 */
    /* S/370 BC mode: the interruption code and ILC stored in an old PSW. */
    uint16_t bc_int_code;
    uint8_t bc_ilc;
} S370Psw;

/* Pending external-interruption conditions (s370_timer.c). */
enum {
    S370_EXT_INTERVAL_TIMER = 1 << 0, /* code 0x0080 */
    S370_EXT_KEY = 1 << 1,            /* 0x0040: interrupt key */
    S370_EXT_CLOCK_COMP = 1 << 2,     /* 0x1004 */
    S370_EXT_CPU_TIMER = 1 << 3,      /* 0x1005 */
    S370_EXT_SERVICE = 1 << 4,        /* 0x2401: service signal */
};

/* interrupt_request bits of this frontend. */
enum {
    S370_INTERRUPT_EXT = CPU_INTERRUPT_TGT0 << 0,     /* ext_pending has a condition */
    S370_INTERRUPT_IO = CPU_INTERRUPT_TGT0 << 1,      /* the channel says I/O may be pending */
    S370_INTERRUPT_RESTART = CPU_INTERRUPT_TGT0 << 2, /* restart key */
};

/* Guest exceptions (cpu->exception_index). */
enum {
    S370_EXCP_PROGRAM = 1, /* pgm_code, ILC from the faulting instruction */
    S370_EXCP_SVC = 2,     /* svc_code */
};

typedef struct S370CPU {
    CPUState common;
    /* IR globals: r0-r15 are the low halves of gr (host little-endian,
     * so the same slots grow to 64 bits for z/Architecture). */
    uint64_t gr[16];
    uint32_t cc; /* condition code 0..3 */
    uint64_t fpr[16];
    uint32_t ar[16];
    uint32_t cr[16];
    uint32_t fpc; /* IEEE floating-point control */
    S370Psw psw;
    /* A PSW loaded with a specification error (PoO-390 §4 "Exceptions
     * Associated with the PSW"): it is kept as loaded and the program
     * interruption stores it unchanged, with ILC 0. */
    bool psw_invalid;
    uint8_t psw_image[8];
    S370ArchMode arch;
    uint32_t prefix; /* PoO-370 §3 "Prefixing" */

    /* EXECUTE: the target instruction (OR'ed) and the EX's own address,
     * translated next as a one-instruction block (TB flag S370_TBF_EX). */
    uint8_t ex_insn[6];
    uint64_t ex_addr;
    uint64_t ex_target_addr;
    bool ex_pending;

    /* Program interruption being raised: code and instruction length. */
    uint16_t pgm_code;
    uint8_t pgm_ilc;
    uint32_t trans_exc_addr; /* translation-exception address (PoO-370 §3) */
    uint16_t svc_code;

    /* Timing facilities (s370_timer.c), all on the virtual clock. */
    uint64_t tod_epoch;   /* TOD value at virtual time 0 */
    bool tod_set;         /* SCK has been issued since reset */
    uint64_t tod_last;    /* last value STCK stored (uniqueness); added by s370_timer.c */
    uint64_t ckc;         /* clock comparator */
    int64_t cpu_timer_ns; /* virtual ns at which the CPU timer reads zero */
    uint32_t ext_pending; /* S370_EXT_* */
    struct Timer *ckc_timer, *cpu_timer, *interval_timer;
    int64_t interval_last_ns; /* virtual time of the last interval-timer update */

    /* Machine connections. */
    uint8_t *storage_keys; /* one byte per 2 KiB of main storage */
    uint64_t storage_size;
    ChannelIo io;
    uint32_t cpuid_serial; /* STIDP */
    uint16_t cpuid_model;
    /* Called at a disabled wait with the PSW as stored (8 bytes). */
    void (*disabled_wait)(struct S370CPU *cpu, const uint8_t psw[8]);
} S370CPU;

static inline S370CPU *s370_cpu(CPUState *cpu)
{
    return (S370CPU *)cpu;
}

extern const ArchOps s370_arch_ops;

/* Board set-up. */
void s370_cpu_set_arch(S370CPU *cpu, S370ArchMode arch);
void s370_cpu_attach_storage(S370CPU *cpu, uint8_t *keys, uint64_t size);
/* Load the PSW at absolute address addr (IPL, restart).  False with a
 * specification error when the PSW is invalid for the mode. */
bool s370_load_psw_from(S370CPU *cpu, uint64_t addr);
/* PSW in the current format, big-endian bytes (for messages, gdb). */
void s370_psw_store(S370CPU *cpu, uint8_t psw[8]);
/* IrqLine handler (opaque = the cpu): the channel subsystem's
 * interruption-pending line. */
void s370_io_irq_handler(void *opaque, int n, int level);
/* Raise an external-interruption condition (S370_EXT_*). */
void s370_external_request(S370CPU *cpu, uint32_t conditions);
/* Free the cpu's timers; the board calls it from its finalize, before the
 * cpu is destroyed.  (Added by the timer helper: s370_timer.c.) */
void s370_timer_fini(S370CPU *cpu);

#endif
