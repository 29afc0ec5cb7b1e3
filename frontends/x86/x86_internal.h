/*
 * Inside the x86 frontend: the instruction tables, the decoded
 * instruction, the translation context lifters work in, lazy flags, and
 * the services C helpers use (memory with the guest's rules, exceptions,
 * segments).
 *
 * How an instruction is added (docs/developer-guide.md "x86 frontend"):
 *   1. one line in its group's table (x86_insn_<group>.c): map, opcode
 *      (and how many consecutive opcodes), ModRM.reg extension, mandatory
 *      prefix, mod constraint, mnemonic, operand specs, flags, lifter,
 *      variant argument, helper;
 *   2. a lifter only if no existing one of the group fits.  The decoder
 *      (x86_decode.c) has already read prefixes, ModRM, SIB, displacement
 *      and immediates per the operand specs, so a lifter only says what
 *      the instruction does, for every operand size at once.
 */
#ifndef DOPPEL_X86_INTERNAL_H
#define DOPPEL_X86_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/cpu.h"
#include "frontends/x86/x86.h"
#include "ir/ir.h"

/* ================================================================ */
/* Operand specs (SDM Vol 2 §A.2 "Key to abbreviations"): a kind    */
/* (addressing method) and a size code, packed in 16 bits.           */

typedef enum X86OpndKind {
    X86K_NONE = 0,
    X86K_E,    /* ModRM r/m: general register or memory */
    X86K_G,    /* ModRM reg: general register */
    X86K_M,    /* ModRM r/m, memory only (a register form is #UD) */
    X86K_R,    /* ModRM r/m, register only */
    X86K_I,    /* immediate, zero-extended to the operand size */
    X86K_IS,   /* immediate byte, sign-extended to the operand size */
    X86K_J,    /* relative offset: the operand is the target EIP */
    X86K_O,    /* moffs: offset of address size, no ModRM */
    X86K_Z,    /* general register in opcode bits 2-0 */
    X86K_S,    /* segment register in ModRM reg */
    X86K_C,    /* control register in ModRM reg */
    X86K_D,    /* debug register in ModRM reg */
    X86K_A,    /* direct far pointer ptr16:16 / ptr16:32 */
    X86K_X,    /* memory at seg:eSI (DS default, overridable) */
    X86K_Y,    /* memory at ES:eDI */
    X86K_REG,  /* a fixed general register (spec's reg field) */
    X86K_SREG, /* a fixed segment register (spec's reg field) */
    X86K_ONE,  /* the constant 1 (shift by one) */
    X86K_V,    /* XMM register in ModRM reg */
    X86K_W,    /* XMM register or memory in ModRM r/m */
    X86K_U,    /* XMM register in ModRM r/m (register only) */
    X86K_P,    /* MMX register in ModRM reg */
    X86K_Q,    /* MMX register or memory in ModRM r/m */
    X86K_N,    /* MMX register in ModRM r/m (register only) */
    X86K_COUNT
} X86OpndKind;

typedef enum X86OpndSize {
    X86S_NONE = 0, /* no size: the lifter knows (LEA's M, x87 forms) */
    X86S_B,        /* byte */
    X86S_W,        /* word */
    X86S_D,        /* doubleword */
    X86S_Q,        /* quadword */
    X86S_V,        /* word or doubleword by operand size */
    X86S_Z,        /* word or doubleword by operand size (immediates) */
    X86S_DQ,       /* 16 bytes */
    X86S_P,        /* far pointer: 4 or 6 bytes by operand size */
    X86S_A,        /* BOUND: two words or two doublewords */
    X86S_S,        /* pseudo-descriptor, 6 bytes */
    X86S_COUNT
} X86OpndSize;

typedef uint16_t X86OpndSpec;
#define X86_OPND(kind, size)    ((X86OpndSpec)((X86K_##kind) | (X86S_##size) << 5))
#define X86_OPND_REG(size, reg) ((X86OpndSpec)(X86K_REG | (X86S_##size) << 5 | (reg) << 9))
#define X86_OPND_SREG(seg)      ((X86OpndSpec)(X86K_SREG | X86S_W << 5 | (seg) << 9))
#define X86_OPND_KIND(s)        ((X86OpndKind)((s)&0x1f))
#define X86_OPND_SIZE(s)        ((X86OpndSize)(((s) >> 5) & 0xf))
#define X86_OPND_FIXED(s)       ((unsigned)((s) >> 9) & 0xf)

/* Opcode maps. */
enum {
    X86_MAP_ONE = 0,  /* one-byte opcodes */
    X86_MAP_0F = 1,   /* 0F xx */
    X86_MAP_0F38 = 2, /* 0F 38 xx */
    X86_MAP_0F3A = 3, /* 0F 3A xx */
    X86_NUM_MAPS
};

/* Mandatory-prefix column of a table line (SSE forms). */
enum {
    X86_PFX_ANY = 0, /* prefixes keep their usual meaning */
    X86_PFX_NONE,    /* no 66/F3/F2 */
    X86_PFX_66,
    X86_PFX_F3,
    X86_PFX_F2,
};

/* ModRM.mod column. */
enum {
    X86_MOD_ANY = 0,
    X86_MOD_MEM, /* mod != 3 */
    X86_MOD_REG, /* mod == 3 */
};

/* Instruction flags. */
enum {
    X86F_MODRM = 1 << 0,    /* has a ModRM byte (implied by E/G/M/R/S/C/D/V/W/U/P/Q/N) */
    X86F_LOCK = 1 << 1,     /* LOCK allowed (with a memory destination) */
    X86F_REP = 1 << 2,      /* F3/F2 are REP/REPE/REPNE for it */
    X86F_PRIV = 1 << 3,     /* CPL 0 only: #GP(0) otherwise */
    X86F_BRANCH = 1 << 4,   /* changes control flow (ends the block) */
    X86F_ENDS_TB = 1 << 5,  /* ends the block after it (mode, flags, TLB) */
    X86F_BYTE_REG = 1 << 6, /* register operands of byte size (set by decode) */
    X86F_X87 = 1 << 7,      /* x87: #NM when CR0.EM or CR0.TS */
    X86F_MMX = 1 << 8,      /* MMX: #UD when CR0.EM, #NM when CR0.TS */
    X86F_SSE = 1 << 9,      /* SSE/SSE2: #UD without CR4.OSFXSR or with CR0.EM, #NM on TS */
    X86F_NO16 = 1 << 10,    /* no 16-bit operand-size form (CMPXCHG8B, BSWAP) */
    X86F_STACK64 = 1 << 11, /* reserved: default 64-bit operand size in long mode */
    X86F_IO = 1 << 12,      /* I/O instruction: IOPL and the TSS bitmap */
};

struct X86Disas;
struct X86InsnDef;
struct X86Insn;
typedef void X86Lifter(struct X86Disas *d, const struct X86Insn *in);

/* One table line.  opcount consecutive opcodes share the line (50+r
 * PUSH: opcode 0x50, opcount 8; the register comes from a Z operand). */
typedef struct X86InsnDef {
    uint8_t map;      /* X86_MAP_* */
    uint8_t opcode;   /* first opcode */
    uint8_t opcount;  /* 0 or 1: one opcode */
    int8_t reg;       /* ModRM.reg extension 0-7, or -1 */
    uint8_t prefix;   /* X86_PFX_* */
    uint8_t mod;      /* X86_MOD_* */
    int8_t rm;        /* ModRM.rm for register forms (0F 01 /2 C8 ...), or -1 */
    const char *name; /* mnemonic (for -d unimp and the table test) */
    X86OpndSpec opnd[4];
    uint16_t flags; /* X86F_* */
    X86Lifter *lift;
    int32_t arg;            /* variant selector for shared lifters */
    const IrHelper *helper; /* for helper-based lifters */
} X86InsnDef;

/* A group's table.  No two lines of all groups may match the same
 * instruction (checked by a unit test). */
typedef struct X86InsnGroup {
    const char *name;
    const X86InsnDef *defs;
    unsigned count;
} X86InsnGroup;

#define X86_GROUP(name_, table_)                                                                   \
    const X86InsnGroup x86_group_##name_ = {#name_, table_, sizeof(table_) / sizeof(table_[0])}

/* Every group, one file each. */
extern const X86InsnGroup x86_group_alu, /* x86_insn_alu.c: arithmetic, logic, shifts, moves */
    x86_group_misc,                      /* x86_insn_misc.c: bits, BCD, CMPXCHG, SETcc, ... */
    x86_group_branch,                    /* x86_insn_branch.c: near jumps, calls, loops */
    x86_group_stack,                     /* x86_insn_stack.c: PUSH, POP, ENTER, ... */
    x86_group_string,                    /* x86_insn_string.c: MOVS ... with REP */
    x86_group_system,                    /* x86_insn_system.c: segments, CRs, I/O, ... */
    x86_group_x87,                       /* x86_insn_x87.c */
    x86_group_mmx,                       /* x86_insn_mmx.c */
    x86_group_sse;                       /* x86_insn_sse.c: SSE and SSE2 */
extern const X86InsnGroup *const x86_groups[];
extern const unsigned x86_group_count;

/* ================================================================ */
/* The decoded instruction.                                          */

#define X86_REG_NONE 0xff

/* A decoded operand.  Registers: kind X86K_G/E/R/Z/REG all become
 * X86O_GPR; byte registers are numbered as encoded (0-3 AL..BL, 4-7
 * AH..BH). */
typedef enum X86OperandType {
    X86O_NONE,
    X86O_GPR,  /* reg */
    X86O_MEM,  /* the instruction's memory operand (X86Insn.mem) */
    X86O_IMM,  /* imm (already extended to size) */
    X86O_SREG, /* segment register reg */
    X86O_CR,   /* control register reg */
    X86O_DR,   /* debug register reg */
    X86O_XMM,  /* reg */
    X86O_MMX,  /* reg */
    X86O_FAR,  /* imm = offset, sel = selector */
    X86O_STR,  /* X/Y string operand: seg and register (ESI/EDI) in reg */
} X86OperandType;

typedef struct X86Operand {
    uint8_t type; /* X86OperandType */
    uint8_t size; /* bytes: 1, 2, 4, 6, 8, 10, 16 (0: lifter decides) */
    uint8_t reg;
    uint8_t seg;  /* X86O_STR: the segment */
    uint16_t sel; /* X86O_FAR */
    int64_t imm;
} X86Operand;

/* A ModRM memory operand (SDM Vol 2 §2.1.5): offset = base + index *
 * scale + disp, wrapped to the address size, in segment seg. */
typedef struct X86MemOperand {
    uint8_t seg;   /* effective segment: override or default (SS for EBP/ESP bases) */
    uint8_t base;  /* register or X86_REG_NONE */
    uint8_t index; /* register or X86_REG_NONE */
    uint8_t scale; /* 0-3 (log2) */
    int32_t disp;
    bool moffs; /* X86K_O: disp alone, no ModRM */
} X86MemOperand;

typedef struct X86Insn {
    const X86InsnDef *def;
    uint8_t len; /* bytes, 1-15 */
    uint8_t map, opcode;
    uint8_t opsize;       /* 2 or 4 */
    uint8_t addrsize;     /* 2 or 4 */
    uint8_t seg_override; /* X86_SEG_* or X86_SEG_NONE */
    uint8_t rep;          /* 0, 0xf3 or 0xf2 (for X86F_REP lines) */
    bool lock;
    bool has_modrm;
    uint8_t modrm, mod, reg, rm;
    bool has_mem;
    X86MemOperand mem;
    X86Operand op[4];
    uint8_t nopnds;
    uint8_t bytes[15];
} X86Insn;

/* x86_decode.c */
typedef enum X86DecodeResult {
    X86_DECODE_OK,
    X86_DECODE_UD,       /* no table line, or a form the line forbids: #UD */
    X86_DECODE_TOO_LONG, /* more than 15 bytes: #GP(0) */
} X86DecodeResult;
/* Decode the instruction at linear pc (fetching through ctx) with the
 * default operand/address size of the code segment (cs32). */
X86DecodeResult x86_decode(TranslateContext *ctx, uint64_t pc, bool cs32, X86Insn *in);
/* Decode from a byte buffer (tests, disassembly); fetch faults cannot
 * happen: running past len is X86_DECODE_UD. */
X86DecodeResult x86_decode_bytes(const uint8_t *bytes, unsigned len, bool cs32, X86Insn *in);

/* ================================================================ */
/* TB flags: the mode bits that change how code is translated.       */
/* cpu->hflags holds them in this layout (x86_update_hflags).        */

enum {
    X86_TBF_CPL = 3 << 0,         /* current privilege level */
    X86_TBF_PE = 1 << 2,          /* protected mode (CR0.PE) */
    X86_TBF_VM86 = 1 << 3,        /* virtual-8086 mode (EFLAGS.VM) */
    X86_TBF_CS32 = 1 << 4,        /* code segment default 32-bit (D bit) */
    X86_TBF_SS32 = 1 << 5,        /* stack segment 32-bit (B bit): ESP, else SP */
    X86_TBF_FLAT = 1 << 6,        /* CS, SS, DS, ES: base 0, every offset readable
                                     and (DS, ES, SS) writable: no base add, no checks */
    X86_TBF_TF = 1 << 7,          /* EFLAGS.TF: single-step trap after each instruction */
    X86_TBF_INHIBIT_IRQ = 1 << 8, /* this block is the one instruction after MOV SS/STI */
    X86_TBF_EM = 1 << 9,          /* CR0.EM */
    X86_TBF_TS = 1 << 10,         /* CR0.TS */
    X86_TBF_MP = 1 << 11,         /* CR0.MP */
    X86_TBF_OSFXSR = 1 << 12,     /* CR4.OSFXSR */
    X86_TBF_IOPL_SHIFT = 13,      /* 2 bits: EFLAGS.IOPL */
    X86_TBF_IOPL = 3 << 13,
    X86_TBF_HWBP = 1 << 15, /* DR7 enables an instruction breakpoint: check each insn */
    /* DR7 enables a data breakpoint: memory accesses record hits, which
     * raise #DB as a trap at the end of the instruction (x86_debug.c). */
    X86_TBF_DBP = 1 << 16,
    /* EFLAGS.RF is set: the block is one instruction, which ignores
     * instruction breakpoints and clears RF (SDM Vol 3 §18.3.1.1). */
    X86_TBF_RF = 1 << 17,
};

/* mmu_idx values. */
enum {
    X86_MMU_KERNEL = 0, /* CPL 0-2, and implicit supervisor accesses (tables, TSS) */
    X86_MMU_USER = 1,   /* CPL 3 */
    X86_MMU_MODES = 2,
};

/* ================================================================ */
/* Lazy flags.  The six arithmetic flags are a function of cc_op and  */
/* cc_dst/cc_src/cc_src2, computed when read (x86_flags.c).  cc_op is */
/* X86_CC_<OP>B + size index (0 byte, 1 word, 2 dword).               */

enum {
    X86_CC_OP_EFLAGS = 0,  /* cc_src holds the flags in EFLAGS bit positions */
    X86_CC_OP_ADDB = 4,    /* dst = result, src = second operand */
    X86_CC_OP_ADCB = 8,    /* dst = result, src = second operand, src2 = carry in */
    X86_CC_OP_SUBB = 12,   /* dst = result, src = second operand (CMP, NEG: first is 0) */
    X86_CC_OP_SBBB = 16,   /* dst = result, src = second operand, src2 = borrow in */
    X86_CC_OP_LOGICB = 20, /* dst = result; CF = OF = AF = 0 */
    X86_CC_OP_INCB = 24,   /* dst = result, src2 = CF before */
    X86_CC_OP_DECB = 28,   /* dst = result, src2 = CF before */
    X86_CC_OP_SHLB = 32,   /* dst = result, src = operand << (count - 1) */
    X86_CC_OP_SARB = 36,   /* right shifts: dst = result, src = operand >> (count - 1) */
    X86_CC_OP_MULB = 40,   /* dst = low half, src = nonzero iff CF = OF = 1 */
    X86_CC_OP_COUNT = 44,
    X86_CC_OP_DYNAMIC = -1, /* translation time only: cc_op not known statically */
};
static inline unsigned x86_size_index(unsigned bytes)
{
    return bytes == 1 ? 0 : bytes == 2 ? 1 : bytes == 4 ? 2 : 3;
}

/* Condition codes of Jcc/SETcc/CMOVcc, in encoding order (SDM Vol 1
 * §B.1 table B-1): O NO B AE E NE BE A S NS P NP L GE LE G. */
enum {
    X86_COND_O,
    X86_COND_NO,
    X86_COND_B,
    X86_COND_AE,
    X86_COND_E,
    X86_COND_NE,
    X86_COND_BE,
    X86_COND_A,
    X86_COND_S,
    X86_COND_NS,
    X86_COND_P,
    X86_COND_NP,
    X86_COND_L,
    X86_COND_GE,
    X86_COND_LE,
    X86_COND_G,
};

/* x86_flags.c: the C side (helpers and the interrupt code). */
uint32_t x86_cc_compute_all(uint32_t cc_op, uint32_t dst, uint32_t src, uint32_t src2);
uint32_t x86_cc_compute_cf(uint32_t cc_op, uint32_t dst, uint32_t src, uint32_t src2);
extern const IrHelper x86_helper_cc_compute_all; /* (cc_op, dst, src, src2) -> flags, PURE */

/* ================================================================ */
/* Translation.                                                      */

typedef enum X86DisasState {
    X86_DISAS_NEXT,   /* continue with the next instruction */
    X86_DISAS_STOP,   /* end the block after this one: pc = next, exit to the loop */
    X86_DISAS_EXITED, /* the lifter emitted the block's exit */
} X86DisasState;

typedef struct X86Disas {
    TranslateContext *ctx;
    IrBlock *b;
    X86CPU *cpu;    /* read only: what tb_flags captured */
    uint32_t flags; /* X86_TBF_* */
    uint64_t cs_base;
    uint32_t eip;      /* EIP of the instruction being lifted */
    uint32_t next_eip; /* EIP of the next one (wrapped to 16 bits in 16-bit code) */
    unsigned mmu_idx;  /* data accesses at the current CPL */
    unsigned goto_tb_used;
    X86DisasState state;
    int cc_op; /* statically known cc_op, or X86_CC_OP_DYNAMIC */
    /* The memory operand's linear address once computed for this
     * instruction (read-modify-write lifters reuse it), or IR_NONE. */
    IrVal mem_linear;
    /* IR globals. */
    IrVal gpr[X86_NUM_GPRS], cc_op_g, cc_dst, cc_src, cc_src2, df, pc;
    /* CS limit checks (not X86_TBF_FLAT): the limit the block is
     * translated for, and the registers a branch lifter may change before
     * its jump (ESP for CALL and RET, ECX for LOOP), copied at the
     * instruction's start so a #GP(0) for the target leaves them as they
     * were (SDM Vol 3 §6.5); IR_NONE outside branch instructions. */
    bool limit_checks;
    uint32_t cs_limit;
    IrVal saved_esp, saved_ecx;
} X86Disas;

extern const IrGlobalTable x86_globals;
void x86_translate(TranslateContext *ctx);

/* x86_translate.c: IR building blocks every lifter uses.  Values of
 * general-purpose operands are i32 temps, zero-extended from the operand
 * size. */

/* General registers by size: 1 (AL..BH encoding), 2, 4. */
IrVal x86_gen_get_reg(X86Disas *d, unsigned reg, unsigned size);
void x86_gen_set_reg(X86Disas *d, unsigned reg, unsigned size, IrVal v);
/* The memory operand's offset (base + index * scale + disp, wrapped to
 * the address size), an i32 temp: LEA. */
IrVal x86_gen_ea_offset(X86Disas *d, const X86Insn *in);
/* Linear address of seg:offset for an access of size bytes (size may be
 * up to 16; 0 for LEA-like uses that only add the base), with the
 * segment checks of SDM Vol 3 §5.3 (limit, expand-down) and §5.4
 * (readable/writable, null selector): #GP(0), or #SS(0) for SS.  offset
 * is an i32 value; the result an i32 temp. */
IrVal x86_gen_linear(X86Disas *d, unsigned seg, IrVal offset, unsigned size, bool write);
/* The memory operand's linear address for an access of size bytes,
 * computed once per instruction (cached in d->mem_linear; a write check
 * covers a later read of the same operand). */
IrVal x86_gen_mem_linear(X86Disas *d, const X86Insn *in, unsigned size, bool write);
/* Little-endian loads and stores through the soft TLB at the current
 * CPL; size 1, 2, 4 into/from i32 values, 8 into/from i64 values. */
IrVal x86_gen_load(X86Disas *d, IrVal linear, unsigned size);
void x86_gen_store(X86Disas *d, IrVal linear, IrVal v, unsigned size);
/* Operand n's value (register, memory, immediate), zero-extended to i32;
 * and the write of an operand (register: the low size bytes, keeping the
 * rest of a 32-bit register for 8/16-bit sizes; memory: a store). */
IrVal x86_gen_read_operand(X86Disas *d, const X86Insn *in, unsigned n);
void x86_gen_write_operand(X86Disas *d, const X86Insn *in, unsigned n, IrVal v);
/* Stack: PUSH of size 2/4 (ESP or SP by SS32; the store comes before
 * ESP changes, so a fault leaves ESP alone), and POP (returns the value;
 * ESP is updated by x86_gen_pop_commit after the instruction's last
 * raising op). */
void x86_gen_push(X86Disas *d, IrVal v, unsigned size);
IrVal x86_gen_pop(X86Disas *d, unsigned size);
void x86_gen_pop_commit(X86Disas *d, unsigned size);

/* Lazy flags. */
/* Record the flags of an operation: cc_op (with size) and operands
 * (IR_NONE for unused ones).  Emitted after the instruction's last
 * raising op. */
void x86_gen_set_cc(X86Disas *d, int cc_op, IrVal dst, IrVal src, IrVal src2);
/* Condition cc (X86_COND_*) as an i32 0/1, folded to a single compare
 * where cc_op is known (CMP + Jcc is one brcond). */
IrVal x86_gen_cond(X86Disas *d, unsigned cc);
/* The six arithmetic flags in EFLAGS positions (i32), and CF alone. */
IrVal x86_gen_compute_flags(X86Disas *d);
IrVal x86_gen_compute_cf(X86Disas *d);
/* Materialise the flags into cc_op = EFLAGS form (before a helper that
 * reads EFLAGS, or when only some flags change). */
void x86_gen_flush_flags(X86Disas *d);

/* Exceptions from lifted code: raise vector (with error code) at the
 * current instruction; ends the block.  The _if form raises when
 * cond(a, b) holds and continues otherwise. */
void x86_gen_exception(X86Disas *d, int vector);
void x86_gen_exception_err(X86Disas *d, int vector, uint32_t error_code);
void x86_gen_exception_if(X86Disas *d, IrCond cond, IrVal a, IrVal b, int vector,
                          uint32_t error_code);

/* Block exits.  Jump to a constant EIP (chained where allowed), to an
 * EIP in an i32 temp (goto_ptr), or end the block after the current
 * instruction (pc = next EIP) for a state change. */
void x86_gen_jmp(X86Disas *d, uint32_t eip);
void x86_gen_jmp_dynamic(X86Disas *d, IrVal eip);
void x86_gen_end_block(X86Disas *d);
/* Conditional branch on cond (an i32 0/1): to eip when nonzero, else to
 * d->next_eip. */
void x86_gen_branch(X86Disas *d, IrVal cond, uint32_t eip);

/* Call helper with args (cpu first, implicit); the pc global is written
 * first (pc = linear of the current instruction) when the helper reads
 * state.  ret may be IR_NONE. */
void x86_gen_call(X86Disas *d, const IrHelper *h, IrVal ret, const IrVal *args);

/* The generic lifter for helper-based instructions: calls
 * def->helper(cpu, insn_word, addr_or_value) where insn_word packs the
 * operand size, address size, ModRM and the instruction length
 * (X86_HW_*), and the second argument is the memory operand's linear
 * address (no access check) or operand 0's value for a register form.
 * Ends the block after it with X86F_ENDS_TB; with X86F_BRANCH the helper
 * set the pc itself. */
X86Lifter x86_lift_helper;
/* #UD for table lines whose lifter is not written yet (logs under -d unimp). */
X86Lifter x86_lift_unimplemented;

#define X86_HW_OPSIZE(w)   ((unsigned)(w)&0xff)          /* 2 or 4 */
#define X86_HW_ADDRSIZE(w) ((unsigned)((w) >> 8) & 0xff) /* 2 or 4 */
#define X86_HW_MODRM(w)    ((unsigned)((w) >> 16) & 0xff)
#define X86_HW_LEN(w)      ((unsigned)((w) >> 24) & 0xff) /* instruction length */
#define X86_HW_ARG(w)      ((int32_t)((w) >> 32))         /* the table line's arg */
uint64_t x86_helper_word(const X86Insn *in);

/* ================================================================ */
/* Helper services (C helpers, slow paths, interrupt delivery).      */

/* Helper prototypes: plain C, first argument the cpu. */
#define X86_HELPER(sym, fn_, flags_, ret_, nargs_, ...)                                            \
    const IrHelper sym = {#fn_, (void (*)(void))(fn_), (flags_), (ret_), (nargs_), {__VA_ARGS__}}

static inline unsigned x86_cpl(const X86CPU *cpu)
{
    return cpu->hflags & X86_TBF_CPL;
}
static inline bool x86_protected(const X86CPU *cpu)
{
    return (cpu->cr[0] & X86_CR0_PE) && !(cpu->hflags & X86_TBF_VM86);
}

/* x86_interrupt.c */
/* From a MAY_RAISE helper (cpu->common.fault_insn names the
 * instruction): restore the instruction's state and raise vector. */
_Noreturn void x86_raise_exception(X86CPU *cpu, int vector);
_Noreturn void x86_raise_exception_err(X86CPU *cpu, int vector, uint32_t error_code);
/* Record an exception (for mmu_translate's return path and for
 * interrupt delivery); does not jump. */
void x86_set_exception(X86CPU *cpu, int vector, bool has_error, uint32_t error_code);
/* Software interrupt INT n / INT3 / INTO from lifted code: the return
 * address is the next instruction (len bytes on). */
_Noreturn void x86_raise_software_interrupt(X86CPU *cpu, int vector, unsigned len);
void x86_do_interrupt(CPUState *cpu);
bool x86_check_interrupts(CPUState *cpu);
bool x86_has_work(CPUState *cpu);

/* x86_mem.c: guest memory from helpers.  Linear addresses through the
 * soft TLB of mmu_idx (X86_MMU_KERNEL for implicit supervisor accesses
 * such as descriptor tables); faults raise the guest's #PF for the
 * current instruction. */
uint32_t x86_load_linear(X86CPU *cpu, uint32_t linear, unsigned size, unsigned mmu_idx);
void x86_store_linear(X86CPU *cpu, uint32_t linear, uint32_t v, unsigned size, unsigned mmu_idx);
uint64_t x86_load_linear64(X86CPU *cpu, uint32_t linear, unsigned mmu_idx);
void x86_store_linear64(X86CPU *cpu, uint32_t linear, uint64_t v, unsigned mmu_idx);
/* seg:offset for an access of size bytes with the segment checks;
 * returns the linear address or raises #GP(0) / #SS(0). */
uint32_t x86_seg_linear(X86CPU *cpu, unsigned seg, uint32_t offset, unsigned size, bool write);
/* The data mmu_idx at the current CPL. */
static inline unsigned x86_data_mmu_idx(const X86CPU *cpu)
{
    return x86_cpl(cpu) == 3 ? X86_MMU_USER : X86_MMU_KERNEL;
}

/* x86_seg.c: segments and descriptors (SDM Vol 3 §3.4, §5). */
/* Derive the check ranges of a segment from its cache; real mode and
 * vm86 give the 64 KiB (or cached) limit with every access allowed. */
void x86_segment_update_checks(X86CPU *cpu, X86Segment *s, int seg);
/* MOV/POP to a segment register, LDS...: every check of SDM Vol 3
 * §5.4-5.5 (and plain base = selector << 4 in real mode and vm86);
 * raises #GP/#SS/#NP with the selector's error code. */
void x86_load_segment(X86CPU *cpu, int seg, uint16_t selector);
/* Read the 8-byte descriptor for selector from the GDT or LDT; false if
 * the selector is outside the table's limit. */
bool x86_read_descriptor(X86CPU *cpu, uint16_t selector, uint64_t *desc);
/* Far transfers (SDM Vol 3 §5.8, Vol 2 JMP/CALL/RET/IRET): through call
 * gates and task gates and TSS descriptors too.  next_eip is the EIP
 * after the instruction (the return address of CALL). */
void x86_far_jump(X86CPU *cpu, uint16_t selector, uint32_t offset, uint32_t next_eip);
void x86_far_call(X86CPU *cpu, uint16_t selector, uint32_t offset, unsigned opsize,
                  uint32_t next_eip);
void x86_far_return(X86CPU *cpu, unsigned opsize, uint16_t pop_bytes);
void x86_iret(X86CPU *cpu, unsigned opsize, uint32_t next_eip);

/* x86_task.c: hardware task switching (SDM Vol 3 §7.3). */
enum {
    X86_TASK_JMP,
    X86_TASK_CALL, /* CALL, and interrupts/exceptions through task gates */
    X86_TASK_IRET,
};
void x86_task_switch(X86CPU *cpu, uint16_t selector, uint64_t desc, int source, uint32_t next_eip);

/* x86_mmu.c: paging (SDM Vol 3 §4): 32-bit, PSE, PAE with NX, PGE, WP,
 * accessed and dirty bits; raises #PF with CR2 and the error code. */
int x86_mmu_translate(CPUState *cpu, uint64_t vaddr, MMUAccess access, unsigned mmu_idx, bool probe,
                      MMUResult *res);
unsigned x86_mmu_index(CPUState *cpu, MMUAccess access);
/* Flush the soft TLB after CR0/CR3/CR4 writes (keeping global pages on
 * CR3 loads where CR4.PGE says so) and INVLPG. */
void x86_tlb_flush(X86CPU *cpu, bool keep_global);
void x86_tlb_flush_page(X86CPU *cpu, uint32_t linear);

/* x86_insn_system.c: MOV to CRn and DRn with their side effects (TLB
 * flushes, mode bits), for the instructions and the debugger.
 * x86_write_cr returns false, changing nothing, where the instruction
 * would raise #GP(0) or n is not CR0/2/3/4; DR4/DR5 aliasing and DR7.GD
 * are the instruction's business, not x86_write_dr's. */
bool x86_write_cr(X86CPU *cpu, unsigned n, uint32_t value);
void x86_write_dr(X86CPU *cpu, unsigned n, uint32_t value);
/* x86_gdb.c: the gdb view (target XML and registers in its order). */
#define X86_GDB_NREGS  63
#define X86_GDB_PC_REG 8 /* eip, after the eight general registers */
extern const char x86_gdb_xml[];
int x86_gdb_read_reg(CPUState *cpu, uint8_t *buf, int reg);
int x86_gdb_write_reg(CPUState *cpu, const uint8_t *buf, int reg);
/* x86_disas.c: ArchOps.disas, through cpu_memory_rw_debug. */
unsigned x86_disas_mem(CPUState *cpu, uint64_t vaddr, char *out, size_t outlen);
/* x86_mmu_dump.c: ArchOps.dump_mmu (info tlb). */
void x86_dump_mmu(CPUState *cpu, FILE *out);

/* x86_cpuid.c, x86_msr.c */
void x86_cpuid(X86CPU *cpu, uint32_t leaf, uint32_t subleaf, uint32_t out[4]);
/* RDMSR/WRMSR: false for an MSR this cpu does not have (#GP(0)). */
bool x86_rdmsr(X86CPU *cpu, uint32_t msr, uint64_t *value);
bool x86_wrmsr(X86CPU *cpu, uint32_t msr, uint64_t value);
uint64_t x86_rdtsc(X86CPU *cpu);

/* x86_fpu.c: x87 state services (FSAVE, FXSAVE, #MF). */
void x86_fpu_reset(X86CPU *cpu); /* FNINIT state */
/* x86_sse.c */
void x86_sse_reset(X86CPU *cpu);

#endif
