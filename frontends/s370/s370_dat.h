/*
 * Private to the S/370 storage-management files (s370_mmu.c and the
 * instructions of s370_insn_mmu.c): the dynamic-address-translation walk,
 * the protection rules, and the storage keys.  PoO-370 §3 "Storage" and
 * PoO-390 §3 are the specification.
 */
#ifndef DOPPEL_S370_DAT_H
#define DOPPEL_S370_DAT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/channel_io.h"
#include "frontends/s370/s370.h"

/* Control register 0 bits used by storage management (bit 0 = MSB). */
#define S370_CR0_LOW_ADDR_PROT  0x10000000u /* bit 3: low-address protection */
#define S370_CR0_FETCH_PROT_OVR 0x02000000u /* bit 6: ESA/390 fetch-protection override */
#define S370_CR0_STORE_PROT_OVR 0x01000000u /* bit 7: ESA/390 storage-protection override */
#define S370_CR0_TRANS_FORMAT   0x00f80000u /* bits 8-12: translation format */
#define S370_CR0_PAGE_2K        0x00400000u /* S/370 bits 8-9 = 01 */
#define S370_CR0_PAGE_4K        0x00800000u /* S/370 bits 8-9 = 10 */
#define S370_CR0_SEG_1M         0x00100000u /* S/370 bits 10-12 = 010 (000: 64K) */
#define S370_CR0_ESA_FORMAT     0x00b00000u /* ESA/390 bits 8-12 = 10110 */

/* How a walk ended.  The first four are LOAD REAL ADDRESS's condition
 * codes (PoO-370 §10 "Load Real Address"). */
typedef enum S370DatStatus {
    S370_DAT_OK = 0,           /* translated: walk.real */
    S370_DAT_SEG_INVALID = 1,  /* segment-invalid bit: walk.entry is the STE */
    S370_DAT_PAGE_INVALID = 2, /* page-invalid bit: walk.entry is the PTE */
    S370_DAT_LENGTH = 3,       /* beyond a table's length: walk.entry as if it were not */
    S370_DAT_EXCEPTION = 4,    /* addressing or translation specification (walk.code) */
} S370DatStatus;

typedef struct S370DatWalk {
    uint64_t real;      /* S370_DAT_OK: the real address */
    uint64_t entry;     /* 1-3: real address of the table entry concerned */
    uint16_t code;      /* not OK: the program-interruption code it raises */
    unsigned page_bits; /* 11 or 12 */
    bool protect;       /* S/370 segment protection or ESA/390 page protection */
    bool private_space; /* ESA/390 private-space control in the STD */
} S370DatWalk;

/* Translate the virtual address vaddr (already wrapped to the addressing
 * mode) through the primary segment table (CR1) in the format CR0 names.
 * Reads the tables in real storage; changes nothing.  With trace set the
 * walk is logged under -d mmu. */
S370DatStatus s370_dat_walk(S370CPU *cpu, uint32_t vaddr, bool trace, S370DatWalk *w);

/* The translation-exception address stored for vaddr (PoO-370 §3
 * "Translation-Exception Address"): the page address, primary space. */
uint32_t s370_dat_exception_address(const S370CPU *cpu, uint32_t vaddr);

/* S/370 page and segment sizes (log2) from CR0; false for an invalid
 * translation format. */
bool s370_dat_geometry_370(const S370CPU *cpu, unsigned *page_bits, unsigned *seg_bits);

/* Protection rules (PoO-370 §3 "Protection"): may a fetch / store at
 * logical address vaddr, whose block has storage key skey, be made with
 * access key akey?  Stores also honour low-address protection (dat tells
 * whether vaddr is virtual, for ESA/390's private-space exemption) and the
 * DAT protection bit.  Storage without keys (none attached) permits all. */
bool s370_fetch_permitted(const S370CPU *cpu, uint32_t vaddr, uint8_t skey, uint8_t akey,
                          bool private_space);
bool s370_store_permitted(const S370CPU *cpu, uint32_t vaddr, uint8_t skey, uint8_t akey, bool dat,
                          const S370DatWalk *w);
bool s370_low_address_protected(const S370CPU *cpu, uint32_t vaddr, bool dat, bool private_space);

/* ---- storage keys: one byte per 2 KiB of absolute storage ---- */

/* The key byte of the 2 KiB block holding absolute address abs, or NULL
 * when there are no keys or abs is beyond them. */
static inline uint8_t *s370_key_byte(S370CPU *cpu, uint64_t abs)
{
    if (!cpu->storage_keys || abs >= cpu->storage_size) return NULL;
    return &cpu->storage_keys[abs >> STORAGE_KEY_BLOCK_BITS];
}

/* The key of the block of abs as ISK/ISKE see it: a 4 KiB block (ESA/390)
 * has two equal bytes whose reference and change bits are ORed, since
 * the CPU and the channels record them per 2 KiB. */
uint8_t s370_key_get(S370CPU *cpu, uint64_t abs, bool block_4k);
void s370_key_set(S370CPU *cpu, uint64_t abs, bool block_4k, uint8_t key);
/* Clear the reference bit(s); returns the key as it was. */
uint8_t s370_key_reset_reference(S370CPU *cpu, uint64_t abs, bool block_4k);

#endif
