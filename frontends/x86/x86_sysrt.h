/*
 * Private to the x86 system runtime (x86_cpu.c, x86_mem.c, x86_mmu.c,
 * x86_interrupt.c, x86_seg.c, x86_task.c): descriptor decoding, segment
 * caches built from descriptors, and the stack frames that interrupt
 * delivery, far calls and returns build before they commit anything.
 *
 * PROPOSED for x86_internal.h (the lead merges): nothing outside the
 * runtime needs these yet.
 */
#ifndef DOPPEL_X86_SYSRT_H
#define DOPPEL_X86_SYSRT_H

#include <stdbool.h>
#include <stdint.h>

#include "frontends/x86/x86_internal.h"

/* ---- descriptors (SDM Vol 3 §3.4.5 figure 3-8) ---- */

static inline uint32_t x86_desc_base(uint64_t d)
{
    return (uint32_t)((d >> 16) & 0xffffff) | (uint32_t)((d >> 56) & 0xff) << 24;
}
/* The limit in bytes, granularity applied. */
static inline uint32_t x86_desc_limit(uint64_t d)
{
    uint32_t limit = (uint32_t)(d & 0xffff) | (uint32_t)((d >> 48) & 0xf) << 16;
    if (d & (UINT64_C(1) << 55)) limit = limit << 12 | 0xfff;
    return limit;
}
/* The accessed bit in the descriptor (type bit 0). */
#define X86_DESC_ACCESSED (UINT64_C(1) << 40)

/* Bits 40-47 and 52-55 in the X86_SEGA_* layout. */
static inline uint16_t x86_desc_attr(uint64_t d)
{
    return (uint16_t)(((d >> 40) & 0xff) | ((d >> 52) & 0xf) << 12);
}
static inline unsigned x86_attr_dpl(uint16_t attr)
{
    return (attr & X86_SEGA_DPL) >> X86_SEGA_DPL_SHIFT;
}
static inline bool x86_attr_is_code(uint16_t attr)
{
    return (attr & X86_SEGA_S) && (attr & X86_SEGA_CODE);
}
static inline bool x86_attr_is_conforming(uint16_t attr)
{
    return x86_attr_is_code(attr) && (attr & X86_SEGA_EXPAND_DOWN);
}
/* Gate fields (SDM Vol 3 §5.8.3 figure 5-8, §6.11 figure 6-2). */
static inline uint16_t x86_gate_selector(uint64_t g)
{
    return (uint16_t)(g >> 16);
}
static inline uint32_t x86_gate_offset(uint64_t g)
{
    return (uint32_t)(g & 0xffff) | (uint32_t)((g >> 48) & 0xffff) << 16;
}

/* System descriptor types (SDM Vol 3 §3.5 table 3-2). */
enum {
    X86_SYS_TSS16_AVAIL = 1,
    X86_SYS_LDT = 2,
    X86_SYS_TSS16_BUSY = 3,
    X86_SYS_CALL16 = 4,
    X86_SYS_TASK = 5,
    X86_SYS_INT16 = 6,
    X86_SYS_TRAP16 = 7,
    X86_SYS_TSS32_AVAIL = 9,
    X86_SYS_TSS32_BUSY = 11,
    X86_SYS_CALL32 = 12,
    X86_SYS_INT32 = 14,
    X86_SYS_TRAP32 = 15,
    X86_TSS_BUSY_BIT = 2, /* type bit 1: available -> busy */
};

/* Error code of a selector (SDM Vol 3 §6.13): index and TI, EXT in bit 0. */
static inline uint32_t x86_sel_error(uint16_t selector, bool ext)
{
    return (uint32_t)(selector & 0xfffc) | (ext ? 1u : 0u);
}

/* ---- x86_seg.c ---- */

/* Check ranges of s for protected-mode rules (true) or real-mode/vm86
 * rules (false), independent of the cpu's current mode. */
void x86_seg_compute_checks(X86Segment *s, bool protected_rules);
/* A protected-mode segment cache from selector and descriptor. */
void x86_seg_from_desc(X86Segment *s, uint16_t selector, uint64_t desc);
/* A real-mode / vm86 segment: base selector << 4, 64 KiB, data RW
 * (DPL 3 in vm86, which is also the code segment's). */
void x86_seg_vm86(X86Segment *s, uint16_t selector, unsigned dpl);
/* Real mode: selector and base only; limit and attributes stay cached
 * ("unreal mode"), unless the cache is unusable. */
void x86_seg_real(X86Segment *s, uint16_t selector);
/* An unusable segment (null selector loaded in protected mode). */
void x86_seg_null(X86Segment *s, uint16_t selector);
/* Set a segment register from a cache and recompute hflags. */
void x86_seg_set(X86CPU *cpu, int seg, const X86Segment *s);
/* Set the accessed bit of the descriptor of selector (already read). */
void x86_desc_set_accessed(X86CPU *cpu, uint16_t selector, uint64_t desc);
/* Address of selector's descriptor in its table (no limit check). */
uint32_t x86_desc_addr(const X86CPU *cpu, uint16_t selector);
/* The inner stack SS:ESP for privilege dpl from the current TSS
 * (SDM Vol 3 §7.2.1); raises #TS(TR selector + ext) if outside its limit. */
void x86_tss_stack(X86CPU *cpu, unsigned dpl, bool ext, uint16_t *ss, uint32_t *esp);
/* Checks of a new inner stack selector for privilege dpl (#TS, #SS with
 * ext); returns its cache. */
void x86_check_inner_ss(X86CPU *cpu, uint16_t ss, unsigned dpl, bool ext, X86Segment *out);
/* Data segments DS, ES, FS, GS whose DPL is below the new CPL become
 * null after a return to an outer level (SDM Vol 2 RET, IRET). */
void x86_null_outer_data_segments(X86CPU *cpu);
/* EIP within the CS limit after a transfer, or #GP(0). */
void x86_check_eip(X86CPU *cpu, const X86Segment *cs, uint32_t eip);

/* ---- x86_mem.c: a stack being built ---- */

/* A stack frame under construction: pushes and pops go to memory through
 * a private copy of SS and ESP, so nothing of the cpu changes until
 * x86_stack_commit, and a fault on the way leaves registers as they
 * were (SDM Vol 3 §6.12.1: the state before the event is kept). */
typedef struct X86Stack {
    X86Segment ss;
    uint32_t sp;   /* the full ESP value */
    uint32_t mask; /* 0xffff (16-bit stack) or 0xffffffff */
    unsigned mmu_idx;
    int fault_vector; /* X86_EXCP_SS normally */
    uint32_t fault_code;
} X86Stack;

/* The current stack: SS and ESP of the cpu, data accesses at CPL. */
void x86_stack_current(X86CPU *cpu, X86Stack *st);
/* A new stack with its cache and pointer (privilege-level changes). */
void x86_stack_new(X86Stack *st, const X86Segment *ss, uint32_t sp, unsigned cpl,
                   uint32_t fault_code);
void x86_stack_push(X86CPU *cpu, X86Stack *st, uint32_t v, unsigned size);
uint32_t x86_stack_pop(X86CPU *cpu, X86Stack *st, unsigned size);
/* Read the value at offset bytes above the stack pointer (no pop). */
uint32_t x86_stack_peek(X86CPU *cpu, X86Stack *st, uint32_t offset, unsigned size);
/* Write SS (if it changed) and ESP (the bits of the stack size). */
void x86_stack_commit(X86CPU *cpu, const X86Stack *st, bool load_ss);

/* ---- x86_interrupt.c ---- */
/* Fault classes of SDM Vol 3 §6.15 table 6-4. */
enum { X86_CLASS_BENIGN, X86_CLASS_CONTRIBUTORY, X86_CLASS_PAGE_FAULT };
int x86_exception_class(int vector);
/* Deliver vector now (external interrupt: is_sw false, no error code). */
void x86_deliver(X86CPU *cpu, int vector, bool is_sw, bool has_error, uint32_t error_code,
                 uint32_t next_eip);

/* ---- x86_trace.c: -d int ---- */
typedef enum X86EventKind {
    X86_EVENT_EXCEPTION, /* raised by an instruction (fault, trap, abort) */
    X86_EVENT_INT_N,     /* INT n (CD ib) */
    X86_EVENT_INT3_INTO, /* INT3, INTO: software exceptions */
    X86_EVENT_HW_IRQ,    /* external interrupt from the interrupt controller */
    X86_EVENT_NMI,
} X86EventKind;
/* "#GP general protection" for vectors 0-31 the SDM names, else NULL. */
const char *x86_vector_name(int vector);
/* One -d int line for an event about to be delivered (the cpu still holds
 * the state it happened in).  Call only when log_enabled(LOG_INT). */
void x86_log_event(X86CPU *cpu, X86EventKind kind, int vector, bool has_error, uint32_t error_code);

/* ---- x86_task.c ---- */
/* A task switch to the TSS named by selector (from a task gate, JMP,
 * CALL, or an interrupt through a task gate): the descriptor checks of
 * SDM Vol 3 §7.3 step 2-4 with #GP/#NP/#TS(selector + ext), then the
 * switch. */
void x86_task_switch_to(X86CPU *cpu, uint16_t selector, int source, bool ext, uint32_t next_eip);

/* ---- x86_cpu.c ---- */
/* EFLAGS writable bits (bit 1 reads 1; 3, 5, 15, 22-31 read 0). */
#define X86_EFLAGS_WRITABLE                                                                        \
    (X86_ARITH_FLAGS | X86_TF | X86_IF | X86_DF | X86_IOPL | X86_NT | X86_RF | X86_VM | X86_AC |   \
     X86_VIF | X86_VIP | X86_ID)

#endif
