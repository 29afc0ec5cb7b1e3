/*
 * Code fetch for frontends during translation.  Every guest byte a
 * frontend decodes comes through here, so the TB knows the physical pages
 * its code lives on (for invalidation on writes, blueprint §4) and where
 * the block must stop (a page boundary).
 */
#ifndef DOPPEL_TRANSLATOR_H
#define DOPPEL_TRANSLATOR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/cpu.h"

/* Read len guest code bytes at vaddr into buf.  A fault on the block's
 * first instruction raises the guest's fetch exception; on a later
 * instruction the block must end before it: use translator_can_fetch. */
void translator_fetch(TranslateContext *ctx, uint64_t vaddr, void *buf, unsigned len);
/* Whether [vaddr, vaddr+len) is on pages this block can read without
 * a fault (the first page, or a second page that translates). */
bool translator_can_fetch(TranslateContext *ctx, uint64_t vaddr, unsigned len);
/* Byte-order-aware fetches of 1, 2, 4 bytes in the guest's order. */
uint8_t translator_ldub(TranslateContext *ctx, uint64_t vaddr);
uint16_t translator_lduw(TranslateContext *ctx, uint64_t vaddr);
uint32_t translator_ldl(TranslateContext *ctx, uint64_t vaddr);
/* True when the instruction at vaddr starts on a page after the first. */
bool translator_is_new_page(TranslateContext *ctx, uint64_t vaddr);

#endif
