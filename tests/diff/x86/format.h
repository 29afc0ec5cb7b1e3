/*
 * What the x86 differential-test programs and the driver agree on
 * (README.md): the guest memory layout, the categories, the EFLAGS bits
 * and the size of each dumped field.
 */
#ifndef DOPPEL_X86_DIFF_FORMAT_H
#define DOPPEL_X86_DIFF_FORMAT_H

/* Guest physical layout (flat segments, no paging).  The data area is in
 * the first 64 KiB so that 16-bit addressing forms (0x67 prefix) reach
 * it; the program itself is linked at 1 MiB (multiboot). */
#define AREA_ADDR  0x6000u /* the 256-byte data area, EBP points at it */
#define AREA_SIZE  256u
#define SEQ_STACK  0x7800u /* top of the sequences' stack (ESP a little below) */
#define MAIN_STACK 0x80000u
#define LOAD_ADDR  0x100000u

enum Category { CAT_INT, CAT_X87, CAT_SSE, CAT_COUNT, CAT_MIXED = CAT_COUNT };

/* EFLAGS (SDM Vol 1 §3.4.3). */
enum {
    FL_CF = 1u << 0,
    FL_PF = 1u << 2,
    FL_AF = 1u << 4,
    FL_ZF = 1u << 6,
    FL_SF = 1u << 7,
    FL_DF = 1u << 10,
    FL_OF = 1u << 11,
    FL_ARITH = FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF,
};

/* Dump sizes (bytes). */
#define FSAVE_SIZE 108u /* FNSAVE, 32-bit protected-mode image (SDM Vol 1 §8.1.10) */
#define XMM_SIZE   128u /* XMM0-7 */

/* Field offsets in the FNSAVE image. */
enum {
    FS_FCW = 0,
    FS_FSW = 4,
    FS_FTW = 8,
    FS_FIP = 12,
    FS_FCS = 16, /* selector, and the opcode in bits 16-26 */
    FS_FDP = 20,
    FS_FDS = 24,
    FS_ST0 = 28, /* ST(0)-ST(7), 10 bytes each */
};

#endif
