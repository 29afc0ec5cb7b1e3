/*
 * Storage layout of the S/370 differential-test programs, shared by the
 * generator (gen.c) and the driver (difftest.c).  See README.md.
 *
 * A program is loaded at 0x400 by its IPL deck.  Everything below 4 KiB
 * is addressed with base register 0: the prologue and the program-check
 * handler, the per-run mailbox, and the operand pools (translate tables,
 * packed-decimal numbers, HFP numbers, edit patterns) that the sequences
 * copy operands from.  The sequences start at 0x1000.  Each one works on
 * the sandbox (SBX_ADDR, base register 13) and leaves its results in its
 * own record of the results area.
 */
#ifndef DOPPEL_S370_DIFF_LAYOUT_H
#define DOPPEL_S370_DIFF_LAYOUT_H

/* Mailbox in low storage (PoO-370 fig. 3-3 leaves 0x200-0x2FF to the program). */
#define MBOX_NEXT  0x200 /* address of the next sequence's entry */
#define MBOX_REC   0x204 /* address of the current sequence's record */
#define MBOX_GPRS  0x240 /* 64 bytes: GPRs saved by the epilogue and handler */
#define MBOX_LINK  0x280 /* the epilogue's BALR link word */
#define MBOX_CONST 0x2f0 /* 4 bytes: SBX_ADDR, for the handler */

#define PROLOGUE_ADDR 0x400

/* Operand pools, all below 4 KiB (base 0). */
#define POOL_TR_A     0x500 /* 256 random bytes */
#define POOL_TR_B     0x600 /* 256 bytes, a permutation */
#define POOL_TRT_A    0x700 /* TRT table, mostly zero */
#define POOL_TRT_B    0x800 /* TRT table, mostly nonzero */
#define POOL_DEC      0x900 /* packed numbers, right-aligned in 16 bytes */
#define POOL_DEC_N    64
#define POOL_DEC_SIZE 16
#define POOL_HFP      0xd00 /* HFP numbers, 8 bytes each */
#define POOL_HFP_N    64
#define POOL_ED       0xf00 /* edit patterns, 32 bytes each */
#define POOL_ED_N     8
#define POOL_ED_SIZE  32

#define SEQ_START 0x1000

/* The sandbox every storage operand that is stored lies in. */
#define SBX_ADDR 0x700000
#define SBX_SIZE 256

/* The results area: one record per sequence. */
#define RES_ADDR   0x800000
#define REC_SIZE   0x180
#define REC_GPRS   0x00 /* 16 x 4 bytes */
#define REC_FPRS   0x40 /* FPR 0, 2, 4, 6: 4 x 8 bytes */
#define REC_STATUS 0x60 /* byte: 0 not reached, 1 completed, 2 program interruption */
#define REC_LINK   0x64 /* completed: BALR link word (ILC, CC, program mask, address) */
#define REC_PSW    0x68 /* interrupted: program old PSW */
#define REC_PIC    0x70 /* interrupted: the word at 0x8C (ILC, interruption code) */
#define REC_SBX    0x80 /* the sandbox, SBX_SIZE bytes */

enum { REC_NOT_REACHED = 0, REC_COMPLETED = 1, REC_INTERRUPTED = 2 };

/* The end of a run: a disabled wait with this code (EC-mode wait PSW). */
#define DONE_CODE 0x00
/* Unexpected interruptions end with these codes. */
#define FAIL_SVC 0xe2
#define FAIL_EXT 0xe3
#define FAIL_IO  0xe4
#define FAIL_MCK 0xe5

#endif
