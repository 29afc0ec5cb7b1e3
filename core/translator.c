/*
 * Code fetch during translation: records the physical pages of the block.
 */
#include "core/translator.h"

#include <string.h>

#include "softmmu/tlb.h"

static uint64_t translator_page(TranslateContext *ctx, uint64_t vaddr)
{
    return vaddr & ctx->cpu->page_mask;
}

/* Record the physical page of vaddr's page as page 0 or 1 of the block. */
static void translator_note_page(TranslateContext *ctx, uint64_t vaddr)
{
    CPUState *cpu = ctx->cpu;
    uint64_t vpage = translator_page(ctx, vaddr);
    if (vpage == translator_page(ctx, ctx->pc)) {
        if (ctx->page_addr[0] == (uint64_t)-1)
            ctx->page_addr[0] = softmmu_code_phys(cpu, vpage) & cpu->page_mask;
    } else if (ctx->page_addr[1] == (uint64_t)-1) {
        ctx->page_addr[1] = softmmu_code_phys(cpu, vpage) & cpu->page_mask;
    }
}

void translator_fetch(TranslateContext *ctx, uint64_t vaddr, void *buf, unsigned len)
{
    translator_note_page(ctx, vaddr);
    if (len && translator_page(ctx, vaddr + len - 1) != translator_page(ctx, vaddr))
        translator_note_page(ctx, vaddr + len - 1);
    softmmu_code_read(ctx->cpu, vaddr, buf, len);
}

bool translator_can_fetch(TranslateContext *ctx, uint64_t vaddr, unsigned len)
{
    CPUState *cpu = ctx->cpu;
    uint64_t first = translator_page(ctx, ctx->pc);
    for (uint64_t a = vaddr;; a = translator_page(ctx, a) + (1ull << cpu->page_bits)) {
        uint64_t page = translator_page(ctx, a);
        if (page != first) {
            /* A block spans at most two pages. */
            if (page != first + (1ull << cpu->page_bits)) return false;
            MMUResult res;
            unsigned idx = cpu->arch->mmu_index(cpu, MMU_EXEC);
            if (cpu->arch->mmu_translate(cpu, page, MMU_EXEC, idx, true, &res) != 0) return false;
        }
        if (translator_page(ctx, vaddr + len - 1) == page) break;
    }
    return true;
}

bool translator_is_new_page(TranslateContext *ctx, uint64_t vaddr)
{
    return translator_page(ctx, vaddr) != translator_page(ctx, ctx->pc);
}

uint8_t translator_ldub(TranslateContext *ctx, uint64_t vaddr)
{
    uint8_t b;
    translator_fetch(ctx, vaddr, &b, 1);
    return b;
}

uint16_t translator_lduw(TranslateContext *ctx, uint64_t vaddr)
{
    uint8_t b[2];
    translator_fetch(ctx, vaddr, b, 2);
    return ctx->cpu->arch->big_endian ? (uint16_t)(b[0] << 8 | b[1]) : (uint16_t)(b[1] << 8 | b[0]);
}

uint32_t translator_ldl(TranslateContext *ctx, uint64_t vaddr)
{
    uint8_t b[4];
    translator_fetch(ctx, vaddr, b, 4);
    if (ctx->cpu->arch->big_endian)
        return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}
