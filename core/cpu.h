/*
 * The CPU interface (blueprint §3).  Every frontend embeds CPUState as the
 * first member of its own cpu struct and fills one const ArchOps.  Nothing
 * outside frontends/<isa>/ knows a guest register name.
 */
#ifndef DOPPEL_CPU_H
#define DOPPEL_CPU_H

#include <setjmp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ir/ir.h"

struct Machine;
struct TranslationBlock;
struct AddressSpace;
struct GdbRegInfo;
struct VMStateField;
struct CpuDebug;

/* ---- soft TLB layout (shared by softmmu and both backends) ---- */
#define TLB_BITS          8
#define TLB_SIZE          (1u << TLB_BITS)
#define TLB_MAX_MMU_MODES 8

/* Flag bits in the low bits of a TLB tag.  They sit below the smallest
 * page (S/370: 2 KiB, page_bits 11) and above the largest alignment mask
 * (64 bytes), so one compare of (masked vaddr) against the tag decides the
 * fast path: any flag set makes the compare fail.  See softmmu/tlb.h. */
#define TLB_INVALID    (1ull << 10) /* no mapping */
#define TLB_MMIO       (1ull << 9)  /* not RAM: go through the slow path */
#define TLB_NOTDIRTY   (1ull << 8)  /* RAM page holding translated code (writes) */
#define TLB_WATCH      (1ull << 7)  /* watchpoint on this page */
#define TLB_FLAGS_MASK (TLB_INVALID | TLB_MMIO | TLB_NOTDIRTY | TLB_WATCH)

typedef struct TlbEntry {
    uint64_t addr_read; /* page vaddr | flags, or TLB_INVALID */
    uint64_t addr_write;
    uint64_t addr_code;
    uintptr_t addend; /* host = vaddr + addend, for RAM pages */
} TlbEntry;

/* Per-entry side data for the slow path (physical address of the page,
 * the region it maps), parallel to the table. */
typedef struct TlbFull {
    uint64_t paddr;           /* physical address of the page */
    int prot;                 /* MMU_PROT_* granted */
    uint64_t large_page_mask; /* reserved for large-page flushes */
    /* With TLB_NOTDIRTY: bit n set if code unit n of the page (64 bytes,
     * TB_CODE_UNIT_BITS) may hold translated code, so writes elsewhere in
     * the page skip invalidation.  All ones for pages of over 64 units. */
    uint64_t code_units;
} TlbFull;

typedef struct SoftTlb {
    TlbEntry table[TLB_MAX_MMU_MODES][TLB_SIZE];
    TlbFull full[TLB_MAX_MMU_MODES][TLB_SIZE];
} SoftTlb;

/* ---- MMU interface ---- */
typedef enum MMUAccess {
    MMU_READ = 0,
    MMU_WRITE = 1,
    MMU_EXEC = 2,
} MMUAccess;

enum {
    MMU_PROT_READ = 1,
    MMU_PROT_WRITE = 2,
    MMU_PROT_EXEC = 4,
};

typedef struct MMUResult {
    uint64_t paddr;     /* physical address of vaddr */
    int prot;           /* MMU_PROT_* for the whole page */
    unsigned page_bits; /* size of the mapping; >= cpu page_bits */
    /* Grant this access once but cache no entry for it: the next access of
     * the same kind to the page walks again.  For permissions finer than a
     * page (S/370 low-address protection covers bytes 0-511 of page 0). */
    bool no_tlb;
} MMUResult;

/* ---- translation context passed to ArchOps.translate ---- */
typedef struct TranslateContext {
    struct CPUState *cpu;
    IrBlock *block; /* empty block to fill (frontend's globals table) */
    uint64_t pc;    /* start pc (virtual) */
    uint64_t cs_base;
    uint32_t flags;     /* tb flags from ArchOps.tb_flags */
    uint32_t max_insns; /* stop after this many guest instructions */
    /* Set by the frontend: guest bytes covered, and instructions emitted. */
    uint32_t size;
    uint32_t ninsns;
    /* Filled by translator_* code fetch: physical pages the code spans. */
    uint64_t page_addr[2];
} TranslateContext;

typedef struct ArchOps {
    const char *name;   /* "s370", "x86", ... */
    unsigned page_bits; /* 12 for most, 11 for S/370 */
    bool big_endian;
    unsigned mmu_modes; /* number of mmu_idx values used (<= TLB_MAX_MMU_MODES) */
    size_t cpu_size;    /* sizeof the frontend's cpu struct */
    const IrGlobalTable *globals;

    void (*reset)(struct CPUState *cpu);
    /* Decode guest code at ctx->pc into ctx->block.  Ends the block with an
     * exit (goto_tb, goto_ptr, exit_tb).  Faults on fetch are raised only
     * for the first instruction; later ones end the block early. */
    void (*translate)(TranslateContext *ctx);
    /* The TB key of the current state. */
    void (*tb_flags)(struct CPUState *cpu, uint64_t *pc, uint64_t *cs_base, uint32_t *flags);
    /* Deliver cpu->exception_index or a pending interrupt; changes pc, mode. */
    void (*do_interrupt)(struct CPUState *cpu);
    /* A pending interrupt that can be taken now?  Returns true if taken
     * (it has called do_interrupt-like delivery itself). */
    bool (*check_interrupts)(struct CPUState *cpu);
    bool (*has_work)(struct CPUState *cpu);
    /* Translate vaddr; returns 0 and fills *res, or nonzero for a fault.
     * With probe set, never changes guest state (gdbstub, monitor). */
    int (*mmu_translate)(struct CPUState *cpu, uint64_t vaddr, MMUAccess access, unsigned mmu_idx,
                         bool probe, MMUResult *res);
    /* mmu_idx used for code fetch in the current mode. */
    unsigned (*mmu_index)(struct CPUState *cpu, MMUAccess access);
    /* Rebuild the guest pc and deferred state of instruction insn_index of
     * tb from its insn_start data.  Contract: word 0 of every insn_start is
     * the instruction's address as TB keys, breakpoints and gdb see it
     * (the pc tb_flags returns for a block starting there). */
    void (*restore_state)(struct CPUState *cpu, const uint64_t *insn_data);
    void (*dump_state)(struct CPUState *cpu, FILE *out);
    /* gdb: register count, read/write in target byte order, target XML. */
    int (*gdb_read_reg)(struct CPUState *cpu, uint8_t *buf, int reg);
    int (*gdb_write_reg)(struct CPUState *cpu, const uint8_t *buf, int reg);
    const char *gdb_target_xml;
    int disas_mode; /* capstone arch/mode cookie, frontend-defined */
    /* ---- debugging and introspection (issue 7, blueprint §10) ----
     * Number of registers gdb_read_reg/gdb_write_reg know, in the order of
     * gdb_target_xml (the gdbstub's 'g' packet walks 0..gdb_num_regs-1). */
    int gdb_num_regs;
    /* Which of them is the pc gdb's "continue ADDR" and "step ADDR" set. */
    int gdb_pc_reg;
    /* One instruction at vaddr as text for the monitor's x/i and xp/i:
     * writes at most outlen bytes (NUL-terminated) to out and returns the
     * instruction length, or 0 when the bytes cannot be read.  Fetches
     * through the cpu's current mode without faulting (a probe). */
    unsigned (*disas)(struct CPUState *cpu, uint64_t vaddr, char *out, size_t outlen);
    /* info tlb: the guest's current translation (page tables, segment
     * tables) as "virtual -> physical prot" lines; NULL: only the soft TLB
     * is shown. */
    void (*dump_mmu)(struct CPUState *cpu, FILE *out);
    /* Snapshots (core/snapshot.c): the frontend's cpu struct described as
     * a VMState table (offsets from the CPUState base, so the common
     * fields pc, halted, icount ... may be listed too), its version, and a
     * hook run after a load to rebuild derived state (cached flags,
     * timers).  A cpu without a table cannot be snapshotted. */
    const struct VMStateField *vmstate;
    uint32_t vmstate_version;
    void (*post_load)(struct CPUState *cpu);
    /* Optional: raise the guest's alignment fault for an IR_MO_ALIGN access
     * at vaddr (cpu->fault_insn is already set).  NULL: misaligned
     * accesses are allowed and performed. */
    void (*unaligned_access)(struct CPUState *cpu, uint64_t vaddr, MMUAccess access,
                             unsigned mmu_idx) __attribute__((noreturn));
} ArchOps;

/* interrupt_request bits */
enum {
    CPU_INTERRUPT_HARD = 1 << 0, /* maskable external interrupt line */
    CPU_INTERRUPT_NMI = 1 << 1,
    CPU_INTERRUPT_RESET = 1 << 2,
    CPU_INTERRUPT_EXITTB = 1 << 3, /* leave the TB chain, nothing to deliver */
    CPU_INTERRUPT_TGT0 = 1 << 8,   /* frontend-defined from here up */
};

#define EXCP_NONE      (-1)
#define EXCP_INTERRUPT 0x10000 /* exit to the loop, no guest exception */
#define EXCP_HALTED    0x10001
#define EXCP_DEBUG     0x10002

/* Counters kept by the cpu loop, shown by info jit and -d cpu. */
typedef struct CPUStats {
    uint64_t tb_translated;
    uint64_t tb_executed;
    uint64_t tb_linked;
    uint64_t exceptions;
    uint64_t interrupts;
    uint64_t interp_insns; /* guest instructions of TBs the interpreter entered */
} CPUStats;

/* Temp slots for the interpreter live inside the cpu state so every
 * operand of its bytecode is a byte offset from one base pointer.  Eight
 * slots above the temps hold the env pointer and materialised constants. */
#define CPU_INTERP_FRAME_SLOTS (IR_MAX_TEMPS + 8)

typedef struct CPUState {
    uint64_t pc;                  /* the guest program counter (frontends bind a global here) */
    atomic_int exit_request;      /* leave the TB chain as soon as possible */
    atomic_int interrupt_request; /* CPU_INTERRUPT_* pending */
    bool halted;
    bool stopped;        /* paused by the user or the debugger */
    int exception_index; /* EXCP_NONE or frontend number */
    int cpu_index;
    unsigned page_bits;
    uint64_t page_mask; /* ~(page size - 1) */
    /* Virtual addresses wrap at this mask: an access running past the end
     * of the address space continues at 0 (S/370 24- and 31-bit
     * addressing; all ones elsewhere).  The soft TLB's slow path applies
     * it to the second page of a page-crossing access. */
    uint64_t vaddr_mask;
    const ArchOps *arch;
    struct Machine *machine;
    struct AddressSpace *as; /* the physical address space it sees */

    /* Execution context: the TB running and the instruction that may fault
     * (set by the backend before slow paths and MAY_RAISE helpers). */
    struct TranslationBlock *current_tb;
    uint32_t fault_insn;
    uint32_t cflags_next_tb; /* CF_* for the next translation */
    IrBlock *translating;    /* block being built, freed if translation faults */
    uint64_t icount_limit;   /* leave the TB chain when icount reaches this */
    /* Exact instruction counting (-icount, record/replay, reverse
     * debugging): icount counts exactly the instructions completed, and
     * cpu_exec stops with icount == icount_limit, never past it (the last
     * block is cut to the remaining count). */
    bool icount_exact;
    jmp_buf jmp_env;

    uint64_t icount; /* guest instructions executed (approx. per TB) */
    /* The interpreter hands a TB to the JIT when its exec_count reaches
     * this (UINT64_MAX: never). */
    uint64_t jit_threshold;
    CPUStats stats;
    struct TranslationBlock **jmp_cache; /* TB_JMP_CACHE_SIZE entries */

    SoftTlb *tlb;
    /* Breakpoints, watchpoints and single-step (core/cpu_debug.h); NULL
     * while no debugger asked for any, so the loop tests one pointer. */
    struct CpuDebug *debug;
    uint64_t interp_frame[CPU_INTERP_FRAME_SLOTS];
} CPUState;

/* Whether a finished TB may continue straight into the next one (both
 * tiers check this before chaining): no exit request, slice not used up. */
static inline bool cpu_may_chain(CPUState *cpu)
{
    return !atomic_load_explicit(&cpu->exit_request, memory_order_relaxed) &&
           cpu->icount < cpu->icount_limit;
}

/* Allocate a cpu of arch (cpu_size bytes, zeroed), set common fields. */
CPUState *cpu_create(const ArchOps *arch, struct Machine *machine, int index);
void cpu_destroy(CPUState *cpu);
void cpu_reset(CPUState *cpu);

/* Leave the running TB and return to the cpu loop (longjmp).  The
 * _restore variant first rebuilds the guest pc of the faulting instruction
 * (cpu->fault_insn of cpu->current_tb) via ArchOps.restore_state. */
_Noreturn void cpu_loop_exit(CPUState *cpu);
_Noreturn void cpu_loop_exit_restore(CPUState *cpu);
/* As _restore, for a trap: the instruction completed (INT n, HLT), so it
 * counts as executed under exact icount; the frontend's state says where
 * execution goes on. */
_Noreturn void cpu_loop_exit_restore_trap(CPUState *cpu);
void cpu_restore_state(CPUState *cpu);
/* Raise guest exception excp (frontend number) from a helper or slow path. */
_Noreturn void cpu_raise_exception(CPUState *cpu, int excp);

/* Ask the cpu to leave its TB chain (safe from any thread). */
void cpu_exit(CPUState *cpu);
void cpu_interrupt(CPUState *cpu, int mask);
void cpu_reset_interrupt(CPUState *cpu, int mask);

#endif
