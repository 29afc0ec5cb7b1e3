/*
 * Inside the S/370 frontend: the instruction tables, the operand decoder,
 * the translation context lifters work in, and the services helpers use
 * (storage access with the guest's rules, program interruptions).
 *
 * How an instruction is added (docs/developer-guide.md "S/370 frontend"):
 *   1. one line in its group's table (s370_insn_<group>.c): opcode key,
 *      mnemonic, format, the architectures that have it, flags, lifter,
 *      and for helper-based instructions the IrHelper;
 *   2. a lifter only if no existing one fits: most control, decimal and
 *      floating-point instructions use s370_lift_helper with a C helper of
 *      the standard shape  uint64_t fn(CPUState *, fields, addr1, addr2).
 */
#ifndef DOPPEL_S370_INTERNAL_H
#define DOPPEL_S370_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/cpu.h"
#include "frontends/s370/s370.h"
#include "ir/ir.h"
#include "softmmu/tlb.h"

/* ---------------------------------------------------------------- */
/* Instruction formats (PoO-390 §5 "Instruction Formats").           */

typedef enum S370Format {
    S370_FMT_E,     /* op16 */
    S370_FMT_I,     /* op8 i8 (SVC) */
    S370_FMT_RR,    /* op8 r1 r2 */
    S370_FMT_RX,    /* op8 r1 x2 b2 d2 */
    S370_FMT_RS,    /* op8 r1 r3 b2 d2 (r3 is m3 for ICM/STCM/CLM) */
    S370_FMT_RSI,   /* op8 r1 r3 i16 (BRXH, BRXLE) */
    S370_FMT_RI,    /* op8 r1 op4 i16 */
    S370_FMT_RIL,   /* op8 r1 op4 i32 */
    S370_FMT_SI,    /* op8 i8 b1 d1 */
    S370_FMT_S,     /* op16 b2 d2 (and 9C-9F: op8 x8 b2 d2) */
    S370_FMT_RRE,   /* op16 00 r1 r2 */
    S370_FMT_RRF,   /* op16 r3 0 r1 r2 (r3 is m3 for the rounding forms) */
    S370_FMT_RXE,   /* op8 r1 x2 b2 d2 00 op8 */
    S370_FMT_RXF,   /* op8 r3 x2 b2 d2 r1 0 op8 */
    S370_FMT_SS_L,  /* op8 l8 b1 d1 b2 d2 (MVC, CLC, TR, ...) */
    S370_FMT_SS_LL, /* op8 l1 l2 b1 d1 b2 d2 (decimal, MVO, PACK, UNPK) */
    S370_FMT_SS_LI, /* op8 l1 i3 b1 d1 b2 d2 (SRP) */
    S370_FMT_SS_RR, /* op8 r1 r3 b1 d1 b2 d2 (MVCK, MVCP, MVCS) */
    S370_FMT_SSE,   /* op16 b1 d1 b2 d2 */
    S370_FMT_COUNT
} S370Format;

/* One decoded instruction: every field of its format. */
typedef struct S370Insn {
    uint16_t key; /* opcode key (see s370_opcode_key) */
    uint8_t len;  /* 2, 4 or 6 bytes */
    uint8_t r1, r2, r3, x2, b1, b2;
    uint8_t l1, l2; /* SS lengths as encoded (length - 1) */
    uint16_t d1, d2;
    int32_t imm;  /* I, SI: the byte; RI/RSI: sign-extended 16 bits; RIL: 32 bits */
    uint64_t raw; /* the instruction bytes, left-aligned in 48 bits */
} S370Insn;

struct S370Disas;
struct S370InsnDef;
typedef void S370Lifter(struct S370Disas *d, const S370Insn *in, const struct S370InsnDef *def);

/* Instruction flags. */
enum {
    S370F_PRIV = 1 << 0,    /* privileged: problem state raises code 0x02 */
    S370F_SETS_CC = 1 << 1, /* s370_lift_helper: the helper's result is the new CC */
    S370F_ENDS_TB = 1 << 2, /* s370_lift_helper: end the block after it (PSW mask, TLB, ...) */
    S370F_SETS_PC = 1 << 3, /* s370_lift_helper: the helper set the pc itself (LPSW) */
    S370F_BRANCH = 1 << 4,  /* a branch; used by the disassembly and EX checks */
    S370F_NO_EX = 1 << 5,   /* EXECUTE of it raises the execute exception */
    S370F_IO = 1 << 6,      /* an I/O instruction (counted by -d unimp coverage) */
};

/* One table line. */
typedef struct S370InsnDef {
    uint16_t key;
    const char *name;
    uint8_t format; /* S370Format */
    uint8_t archs;  /* S370_IN_* */
    uint16_t flags; /* S370F_* */
    S370Lifter *lift;
    const IrHelper *helper; /* for helper-based lifters */
    int32_t arg;            /* variant selector for shared lifters */
} S370InsnDef;

/* A group's table: sorted by key, no duplicates across groups (checked by
 * a unit test). */
typedef struct S370InsnGroup {
    const char *name;
    const S370InsnDef *defs;
    unsigned count;
} S370InsnGroup;

#define S370_GROUP(name_, table_)                                                                  \
    const S370InsnGroup s370_group_##name_ = {#name_, table_, sizeof(table_) / sizeof(table_[0])}

extern const S370InsnGroup s370_group_general, s370_group_branch, s370_group_storage,
    s370_group_decimal, s370_group_hfp, s370_group_control, s370_group_io, s370_group_mmu,
    s370_group_timer, s370_group_bfp;
extern const S370InsnGroup *const s370_groups[];
extern const unsigned s370_group_count;

/* s370_decode.c */
/* The key of the instruction whose first two (and, for 6-byte E3/EB/ED
 * forms, last) bytes are given: byte0 << 8 | extension, where the
 * extension is the second byte (01, B2, B3, B9, E5), the low nibble of
 * byte 1 (A5, A7, C0), the sixth byte (E3, EB, ED), bit 15 (9C-9F), or 0. */
uint16_t s370_opcode_key(const uint8_t *bytes);
unsigned s370_insn_length(uint8_t byte0);
/* The table line for key valid in arch, or NULL (operation exception). */
const S370InsnDef *s370_lookup(uint16_t key, S370ArchMode arch);
/* Fill in from the bytes per format. */
void s370_decode_fields(S370Insn *in, const uint8_t *bytes, S370Format format);

/* ---------------------------------------------------------------- */
/* TB flags (the parts of the PSW and control registers that change  */
/* how code is translated).                                          */
enum {
    S370_TBF_AMODE31 = 1 << 0,
    S370_TBF_PROBLEM = 1 << 1,
    S370_TBF_DAT = 1 << 2,
    S370_TBF_PGM_MASK_SHIFT =
        3,                   /* 4 bits: fixed overflow, decimal overflow, underflow, significance */
    S370_TBF_EX = 1 << 7,    /* block is the target of EXECUTE */
    S370_TBF_AFP = 1 << 8,   /* ESA/390 CR0 bit 13: all 16 FPRs usable */
    S370_TBF_ARCH_SHIFT = 9, /* 2 bits: S370ArchMode */
};
#define S370_PGM_MASK_FIXED   8 /* program-mask bits as in PSW bits 36-39 */
#define S370_PGM_MASK_DECIMAL 4
#define S370_PGM_MASK_EXPUND  2
#define S370_PGM_MASK_SIGNIF  1

/* mmu_idx values. */
enum {
    S370_MMU_REAL = 0,    /* DAT off: real addresses (prefixing applies) */
    S370_MMU_PRIMARY = 1, /* DAT on, primary space */
    S370_MMU_MODES = 2,
};

/* ---------------------------------------------------------------- */
/* Translation.                                                      */

typedef enum S370DisasState {
    S370_DISAS_NEXT,   /* continue with the next instruction */
    S370_DISAS_STOP,   /* end the block after this one: pc = next, exit to the loop */
    S370_DISAS_EXITED, /* the lifter emitted the block's exit */
} S370DisasState;

typedef struct S370Disas {
    TranslateContext *ctx;
    IrBlock *b;
    S370CPU *cpu;       /* read only: the arch mode and what tb_flags captured */
    uint64_t pc;        /* address of the instruction being lifted (of the EX, for its target) */
    uint64_t insn_addr; /* where its bytes are: relative branches count from here */
    uint64_t next_pc;   /* address of the next sequential instruction */
    uint32_t flags;     /* S370_TBF_* */
    S370ArchMode arch;
    uint32_t amask; /* 0x00ffffff or 0x7fffffff */
    unsigned mmu_idx;
    unsigned goto_tb_used; /* exit slots taken (0..2) */
    S370DisasState state;
    IrVal gr[16], cc, pc_global;
    /* The operands of a compare that set the CC, so that a branch right
     * after it tests them directly (cur: this instruction; prev: the one
     * before). */
    struct S370CompareRecord {
        bool valid, is_signed;
        IrVal a, b;
    } cmp_cur, cmp_prev;
} S370Disas;

extern const IrGlobalTable s370_globals;
void s370_translate(TranslateContext *ctx);

/* s370_translate.c: IR building blocks every lifter uses. */
/* Effective address x + b + d (register 0 means none), wrapped to the
 * addressing mode; an i32 temp. */
IrVal s370_gen_addr(S370Disas *d, unsigned x, unsigned b, uint32_t disp);
/* The same with a signed displacement added to a register base (BXH, LA
 * with RI forms): (base_val + offset) & amask. */
IrVal s370_gen_wrap(S370Disas *d, IrVal addr);
/* Big-endian guest loads and stores through the soft TLB; size 1/2/4/8;
 * sign applies to loads into i32/i64. */
IrVal s370_gen_load(S370Disas *d, IrType t, IrVal addr, unsigned memop);
void s370_gen_store(S370Disas *d, IrType t, IrVal val, IrVal addr, unsigned memop);
/* Condition code from a signed result: 0 zero, 1 negative, 2 positive. */
void s370_gen_cc_signed(S370Disas *d, IrType t, IrVal result);
/* From a comparison a:b, signed or unsigned: 0 equal, 1 low, 2 high. */
void s370_gen_cc_compare(S370Disas *d, IrType t, IrVal a, IrVal b, bool is_signed);
/* A constant condition code. */
void s370_gen_cc_const(S370Disas *d, unsigned cc);
/* Raise a program interruption for the current instruction (ends the
 * block: the rest of the instruction is not translated). */
void s370_gen_program_exception(S370Disas *d, uint16_t code);
/* Conditional program interruption: taken when cond(x, y) holds. */
void s370_gen_program_exception_if(S370Disas *d, IrCond cond, IrVal x, IrVal y, uint16_t code);
/* Block exits: to a constant address (chained), or to an address in an
 * i32 temp (goto_ptr). */
void s370_gen_goto(S370Disas *d, uint64_t dest);
void s370_gen_goto_dynamic(S370Disas *d, IrVal dest);
/* Conditional branch on a mask over the CC (BC semantics, PoO-370 §7
 * "Branch on Condition"): to dest when taken, else to next_pc. */
void s370_gen_branch_mask(S370Disas *d, unsigned mask, IrVal dest, bool dest_is_const,
                          uint64_t dest_const);
/* The packed fields word of s370_lift_helper. */
uint64_t s370_fields(const S370Insn *in);

/* The generic helper lifter: computes the operand addresses of the
 * format, calls def->helper(cpu, fields, addr1, addr2), applies
 * S370F_SETS_CC, S370F_ENDS_TB and S370F_SETS_PC.  addr1 is b1+d1 (SI,
 * SS, SSE formats); addr2 is x2+b2+d2 (RX, RXE, RXF), b2+d2 (RS, S, SS,
 * SSE), or 0. */
S370Lifter s370_lift_helper;
/* Its second half, for lifters with an inline fast path that fall back to
 * the helper: the call with operand addresses already computed (i32). */
void s370_gen_helper_call(S370Disas *d, const S370Insn *in, const S370InsnDef *def, IrVal addr1,
                          IrVal addr2);
/* Operation exception for table lines whose lifter is missing. */
S370Lifter s370_lift_unimplemented;

/* Fields word layout (helper argument 1). */
#define S370_FIELD_R1(f)  ((unsigned)(f)&0xf)
#define S370_FIELD_R2(f)  ((unsigned)((f) >> 4) & 0xf)   /* r2 (RR, RRE), x2 (RX) */
#define S370_FIELD_R3(f)  ((unsigned)((f) >> 8) & 0xf)   /* r3 or m3 */
#define S370_FIELD_L1(f)  ((unsigned)((f) >> 16) & 0xff) /* SS L, or L1 */
#define S370_FIELD_L2(f)  ((unsigned)((f) >> 24) & 0xff) /* SS L2, or I3 */
#define S370_FIELD_IMM(f) ((int32_t)((f) >> 32))

/* ---------------------------------------------------------------- */
/* Helper services (called from C helpers and slow paths).           */

/* Helper prototype of s370_lift_helper. */
typedef uint64_t S370HelperFn(CPUState *cpu, uint64_t fields, uint64_t addr1, uint64_t addr2);
#define S370_HELPER(sym, fn_, flags_)                                                              \
    const IrHelper sym = {#fn_, (void (*)(void))(fn_),   (flags_), IR_I64,                         \
                          3,    {IR_I64, IR_I64, IR_I64}}

static inline uint32_t s370_gr32(const S370CPU *cpu, unsigned r)
{
    return (uint32_t)cpu->gr[r];
}
static inline void s370_set_gr32(S370CPU *cpu, unsigned r, uint32_t v)
{
    cpu->gr[r] = (cpu->gr[r] & 0xffffffff00000000ull) | v;
}
static inline uint32_t s370_amask(const S370CPU *cpu)
{
    return cpu->psw.amode31 ? 0x7fffffffu : 0x00ffffffu;
}

/* Logical storage access from a helper with the current PSW's addressing
 * mode, DAT mode and key.  The helper must be MAY_RAISE (so
 * cpu->common.fault_insn names its instruction); an access exception
 * raises the program interruption and does not return.  Addresses wrap
 * at the end of the addressing mode. */
uint8_t s370_load8(S370CPU *cpu, uint64_t addr);
uint16_t s370_load16(S370CPU *cpu, uint64_t addr);
uint32_t s370_load32(S370CPU *cpu, uint64_t addr);
uint64_t s370_load64(S370CPU *cpu, uint64_t addr);
void s370_store8(S370CPU *cpu, uint64_t addr, uint8_t v);
void s370_store16(S370CPU *cpu, uint64_t addr, uint16_t v);
void s370_store32(S370CPU *cpu, uint64_t addr, uint32_t v);
void s370_store64(S370CPU *cpu, uint64_t addr, uint64_t v);
void s370_load_bytes(S370CPU *cpu, uint64_t addr, void *buf, uint32_t len);
void s370_store_bytes(S370CPU *cpu, uint64_t addr, const void *buf, uint32_t len);
/* Raise the access exception [addr, addr+len) would cause, changing
 * nothing: for instructions suppressed or nullified as a whole. */
void s370_probe(S370CPU *cpu, uint64_t addr, uint32_t len, MMUAccess access);

/* A storage operand seen as host memory, for helpers that work on many
 * bytes (MVC, XC, TR, CLC, ...).  s370_operand_map translates every page
 * of [addr, addr + len) for access (len at most one page, so at most two
 * parts), raising the access exception the first byte-by-byte access
 * would, and for a write invalidates code translated from it.  When some
 * part is not plain RAM (MMIO, a low-address-protected page granted
 * once), host is false and the accessors below fall back to
 * s370_load8/s370_store8, so helpers are written once for both.  Bytes
 * are still accessed one at a time in operand order, which is what the
 * architecture defines for overlapping operands. */
typedef struct S370Operand {
    uint64_t addr;
    uint8_t *part[2]; /* host memory before and after the page boundary */
    uint32_t split;   /* bytes in part[0] */
    bool host;
} S370Operand;

/* DAT on: EC mode (always in ESA/390) with PSW bit 5. */
static inline bool s370_psw_dat(const S370CPU *cpu)
{
    return cpu->psw.ec && (cpu->psw.sysmask & 0x04);
}

/* The TLB index of data accesses under the current PSW. */
static inline unsigned s370_data_mmu_idx(const S370CPU *cpu)
{
    return s370_psw_dat(cpu) ? S370_MMU_PRIMARY : S370_MMU_REAL;
}

/* Inlined: helpers call it once or twice per instruction, and the call
 * set-up cost as much as the translation. */
__attribute__((always_inline)) static inline bool
s370_operand_map(S370CPU *cpu, uint64_t addr, uint32_t len, MMUAccess access, S370Operand *op)
{
    CPUState *c = &cpu->common;
    uint32_t amask = s370_amask(cpu);
    unsigned mmu_idx = s370_data_mmu_idx(cpu);
    uint64_t page = UINT64_C(1) << c->page_bits;
    uint64_t a = addr & amask;
    uint64_t first = page - (a & (page - 1));
    op->addr = a;
    op->split = len < first ? len : (uint32_t)first;
    op->part[1] = NULL;
    op->part[0] = softmmu_host_range(c, a, op->split, access, mmu_idx, c->fault_insn);
    op->host = op->part[0] != NULL;
    if (__builtin_expect(len > op->split, 0)) {
        op->part[1] = softmmu_host_range(c, (a + op->split) & amask, len - op->split, access,
                                         mmu_idx, c->fault_insn);
        op->host = op->host && op->part[1];
    }
    return op->host;
}

static inline uint8_t *s370_operand_byte(const S370Operand *op, uint32_t i)
{
    return i < op->split ? op->part[0] + i : op->part[1] + (i - op->split);
}
static inline uint8_t s370_operand_load8(S370CPU *cpu, const S370Operand *op, uint32_t i)
{
    if (__builtin_expect(op->host, 1)) return *s370_operand_byte(op, i);
    return s370_load8(cpu, op->addr + i);
}
static inline void s370_operand_store8(S370CPU *cpu, const S370Operand *op, uint32_t i, uint8_t v)
{
    if (__builtin_expect(op->host, 1))
        *s370_operand_byte(op, i) = v;
    else
        s370_store8(cpu, op->addr + i, v);
}

/* Absolute storage (after prefixing), for PSW swaps and the prefix area:
 * no keys, no DAT.  Addresses beyond storage read as zero / are dropped
 * (callers check with s370_abs_valid where the architecture says so). */
uint64_t s370_real_to_abs(const S370CPU *cpu, uint64_t real);
bool s370_abs_valid(const S370CPU *cpu, uint64_t abs, uint32_t len);
void s370_abs_read(S370CPU *cpu, uint64_t abs, void *buf, uint32_t len);
void s370_abs_write(S370CPU *cpu, uint64_t abs, const void *buf, uint32_t len);
uint32_t s370_abs_load32(S370CPU *cpu, uint64_t abs);
void s370_abs_store32(S370CPU *cpu, uint64_t abs, uint32_t v);

/* Program interruption codes (PoO-370 §6 and PoO-390 §6, fig. 6-1). */
enum {
    S370_PGM_OPERATION = 0x01,
    S370_PGM_PRIVILEGED = 0x02,
    S370_PGM_EXECUTE = 0x03,
    S370_PGM_PROTECTION = 0x04,
    S370_PGM_ADDRESSING = 0x05,
    S370_PGM_SPECIFICATION = 0x06,
    S370_PGM_DATA = 0x07,
    S370_PGM_FIXED_OVERFLOW = 0x08,
    S370_PGM_FIXED_DIVIDE = 0x09,
    S370_PGM_DECIMAL_OVERFLOW = 0x0a,
    S370_PGM_DECIMAL_DIVIDE = 0x0b,
    S370_PGM_EXPONENT_OVERFLOW = 0x0c,
    S370_PGM_EXPONENT_UNDERFLOW = 0x0d,
    S370_PGM_SIGNIFICANCE = 0x0e,
    S370_PGM_FLOAT_DIVIDE = 0x0f,
    S370_PGM_SEGMENT_TRANSLATION = 0x10,
    S370_PGM_PAGE_TRANSLATION = 0x11,
    S370_PGM_TRANSLATION_SPEC = 0x12,
    S370_PGM_SPECIAL_OPERATION = 0x13,
    S370_PGM_OPERAND = 0x15,
    S370_PGM_TRACE_TABLE = 0x16,
    S370_PGM_SQUARE_ROOT = 0x1d,
    S370_PGM_MONITOR = 0x40,
};

/* From a MAY_RAISE helper: rebuild the faulting instruction's PSW and
 * raise program interruption code.  Whether the old PSW points at the
 * instruction (nullification) or after it is decided by the code
 * (s370_interrupt.c). */
_Noreturn void s370_program_exception(S370CPU *cpu, uint16_t code);
/* From ArchOps.mmu_translate (not probing): record the exception so
 * cpu_loop_exit_restore delivers it.  Returns the nonzero fault value. */
int s370_set_program_exception(S370CPU *cpu, uint16_t code);

/* s370_psw.c: the PSW formats (PoO-370 §4 "Program-Status Word", PoO-390 §4). */
/* Store the current PSW (pc = the address to store) in the current format. */
void s370_psw_encode(const S370CPU *cpu, uint64_t ia, uint8_t out[8]);
/* Load a PSW; returns false (and loads nothing) when it is invalid for the
 * mode: the caller raises specification (LPSW) or reports it (IPL). */
bool s370_psw_decode(S370CPU *cpu, const uint8_t in[8]);
/* Whether s370_psw_decode would accept the image (changes nothing). */
bool s370_psw_image_valid(const S370CPU *cpu, const uint8_t in[8]);
/* Called after anything that changes the PSW mask, key or mode: flushes
 * what depends on them, re-evaluates wait state. */
void s370_psw_changed(S370CPU *cpu, const S370Psw *old);
/* Masks as the current format defines them. */
bool s370_psw_ext_enabled(const S370CPU *cpu);
bool s370_psw_io_enabled(const S370CPU *cpu);
/* S/370 channel mask (bit 31-n = channel n), for ChannelIoOps.s370_interrupt. */
uint32_t s370_psw_channel_mask(const S370CPU *cpu);

/* s370_interrupt.c */
/* From a helper that loaded an invalid PSW (LPSW): the specification
 * exception with ILC 0 and the invalid PSW as old PSW. */
_Noreturn void s370_raise_invalid_psw(S370CPU *cpu);
void s370_do_interrupt(CPUState *cpu);
bool s370_check_interrupts(CPUState *cpu);
bool s370_has_work(CPUState *cpu);

/* s370_mmu.c */
int s370_mmu_translate(CPUState *cpu, uint64_t vaddr, MMUAccess access, unsigned mmu_idx,
                       bool probe, MMUResult *res);
unsigned s370_mmu_index(CPUState *cpu, MMUAccess access);

/* s370_insn_control.c */
/* After a change of control registers (LCTL, the debugger): flush the TLB
 * when CR0 or CR1 changed, re-arm the timers, look at the masks again. */
void s370_control_regs_changed(S370CPU *cpu, uint32_t old_cr0, uint32_t old_cr1);
/* SET PREFIX's effect (PoO-370 §3 "Prefixing"): false, changing nothing,
 * when the new prefix area is outside storage. */
bool s370_prefix_set(S370CPU *cpu, uint32_t value);

/* s370_trace.c: interruption-code names for -d int ("protection"). */
const char *s370_program_interruption_name(uint16_t code);
const char *s370_external_interruption_name(uint16_t code);

/* s370_gdb.c: gdb's view (target XML, registers in its order). */
#define S370_GDB_NREGS  71
#define S370_GDB_PC_REG 1 /* pswa */
extern const char s370_gdb_xml[];
int s370_gdb_read_reg(CPUState *cpu, uint8_t *buf, int reg);
int s370_gdb_write_reg(CPUState *cpu, const uint8_t *buf, int reg);
/* pswa as gdb sees it: amode bit (ESA/390) | instruction address. */
uint32_t s370_gdb_pswa(const S370CPU *cpu);

/* s370_timer.c */
void s370_timer_init(S370CPU *cpu);
void s370_timer_reset(S370CPU *cpu);
/* Re-arm the clock comparator and CPU timer after SCKC/SPT/SCK or a
 * change of the masks in CR0. */
void s370_timer_update(S370CPU *cpu);
uint64_t s370_tod_now(S370CPU *cpu);

/* s370_disas.c: one instruction as text via capstone (falls back to the
 * table mnemonic); returns the length. */
unsigned s370_disas_one(const uint8_t *bytes, uint64_t pc, char *out, size_t outlen);
/* ArchOps.disas: the instruction at vaddr read through the cpu's current
 * translation without faulting (cpu_memory_rw_debug); 0 if unreadable. */
unsigned s370_disas_mem(CPUState *cpu, uint64_t vaddr, char *out, size_t outlen);
/* s370_mmu_dump.c: ArchOps.dump_mmu (info tlb). */
void s370_dump_mmu(CPUState *cpu, FILE *out);

/* ---- data exceptions ---- */

/* s370_interrupt.c: raise a data exception with data-exception code dxc
 * (PoO-390 §6 "Data-Exception Code (DXC)"): ESA/390 stores it at real
 * location 147 (zeros at 144-146) and, when CR0 bit 13 is one, in FPC
 * byte 2; S/370 stores nothing.  Every data exception goes through here. */
_Noreturn void s370_data_exception(S370CPU *cpu, uint8_t dxc);
/* The DXC of the decimal instructions and CVB (invalid digit or sign,
 * overlap, multiplicand too long). */
#define S370_DXC_DECIMAL 0x00

#endif
