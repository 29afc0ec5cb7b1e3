/* The softmmu test fixture (see test_softmmu_fixture.h); no tests here. */
#include "test_softmmu_fixture.h"

#include <criterion/criterion.h>
#include <string.h>

static int sm_mmu_translate(CPUState *cpu, uint64_t vaddr, MMUAccess access, unsigned mmu_idx,
                            bool probe, MMUResult *res)
{
    SmCpu *c = (SmCpu *)cpu;
    if (!probe) c->walks++;
    for (unsigned i = 0; i < c->nmap; i++) {
        const SmMapping *m = &c->map[i];
        unsigned bits = m->page_bits ? m->page_bits : cpu->page_bits;
        uint64_t mask = ~((UINT64_C(1) << bits) - 1);
        if ((vaddr & mask) != m->vaddr) continue;
        if (!(m->prot & (1 << access))) break;
        res->paddr = m->paddr | (vaddr & ~mask);
        res->prot = m->prot;
        res->page_bits = bits;
        return 0;
    }
    if (c->identity && c->nmap == 0) {
        res->paddr = vaddr;
        res->prot = SM_RWX;
        res->page_bits = cpu->page_bits;
        return 0;
    }
    if (!probe) {
        c->faults++;
        c->fault_vaddr = vaddr;
        c->fault_access = access;
    }
    return 1;
}

static unsigned sm_mmu_index(CPUState *cpu, MMUAccess access)
{
    return 0;
}

__attribute__((noreturn)) static void sm_unaligned(CPUState *cpu, uint64_t vaddr, MMUAccess access,
                                                   unsigned mmu_idx)
{
    SmCpu *c = (SmCpu *)cpu;
    c->unaligned_faults++;
    c->fault_vaddr = vaddr;
    c->fault_access = access;
    cpu_loop_exit_restore(cpu);
}

#define SM_ARCH_COMMON                                                                             \
    .name = "softmmu-test", .page_bits = 12, .mmu_modes = 2, .cpu_size = sizeof(SmCpu),            \
    .mmu_translate = sm_mmu_translate, .mmu_index = sm_mmu_index

const ArchOps sm_arch = {SM_ARCH_COMMON, .unaligned_access = sm_unaligned};
const ArchOps sm_arch_lenient = {SM_ARCH_COMMON};

uint64_t sm_dev_read(void *opaque, uint64_t offset, unsigned size)
{
    SmDev *d = opaque;
    uint64_t v = 0;
    for (unsigned k = 0; k < size; k++) {
        unsigned shift = d->endian == DEVICE_BIG_ENDIAN ? 8 * (size - 1 - k) : 8 * k;
        v |= (uint64_t)d->bytes[offset + k] << shift;
    }
    if (d->nlog < 64) d->log[d->nlog++] = (SmIoRecord){false, offset, size, v};
    return v;
}

void sm_dev_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    SmDev *d = opaque;
    for (unsigned k = 0; k < size; k++) {
        unsigned shift = d->endian == DEVICE_BIG_ENDIAN ? 8 * (size - 1 - k) : 8 * k;
        d->bytes[offset + k] = (uint8_t)(value >> shift);
    }
    if (d->nlog < 64) d->log[d->nlog++] = (SmIoRecord){true, offset, size, value};
}

void sm_world_set_dev(SmWorld *w, DeviceEndian endian, unsigned min, unsigned max, bool unaligned)
{
    w->devops = (MemoryRegionOps){.read = sm_dev_read,
                                  .write = sm_dev_write,
                                  .endianness = endian,
                                  .min_access_size = min,
                                  .max_access_size = max,
                                  .unaligned = unaligned};
    w->devstate.endian = endian;
}

void sm_world_init(SmWorld *w, const ArchOps *arch)
{
    memset(w, 0, sizeof(*w));
    memory_region_init_container(&w->root, "system", UINT64_MAX);
    cr_assert(memory_region_init_ram(&w->ram, "ram", SM_RAM_SIZE));
    cr_assert(memory_region_init_rom(&w->rom, "rom", SM_ROM_SIZE));
    sm_world_set_dev(w, DEVICE_LITTLE_ENDIAN, 1, 8, false);
    memory_region_init_io(&w->dev, "dev", SM_DEV_SIZE, &w->devops, &w->devstate);
    memory_region_add_subregion(&w->root, SM_RAM_BASE, &w->ram, 0);
    memory_region_add_subregion(&w->root, SM_ROM_BASE, &w->rom, 0);
    memory_region_add_subregion(&w->root, SM_DEV_BASE, &w->dev, 0);
    address_space_init(&w->as, &w->root, "memory");
    if (!arch) return;
    w->cpu = (SmCpu *)cpu_create(arch, NULL, 0);
    w->cpu->identity = true;
    tlb_init(&w->cpu->parent);
    address_space_add_cpu(&w->as, &w->cpu->parent);
}

void sm_world_fini(SmWorld *w)
{
    if (w->cpu) {
        tlb_destroy(&w->cpu->parent);
        cpu_destroy(&w->cpu->parent);
    }
    address_space_destroy(&w->as);
    memory_region_destroy(&w->dev);
    memory_region_destroy(&w->rom);
    memory_region_destroy(&w->ram);
    memory_region_destroy(&w->root);
}

void sm_map(SmCpu *c, uint64_t vaddr, uint64_t paddr, int prot, unsigned page_bits)
{
    cr_assert(c->nmap < 16);
    c->map[c->nmap++] = (SmMapping){vaddr, paddr, prot, page_bits};
}

TranslationBlock *sm_make_tb(SmWorld *w, TbCache *c, uint64_t phys, uint32_t size)
{
    TranslationBlock *tb = tb_alloc();
    tb->pc = phys;
    tb->phys_pc = phys;
    tb->page_addr[0] = phys & ~0xfffull;
    tb->size = tb->size_first = size;
    tb_insert(c, tb);
    memory_mark_code(&w->as, phys, size);
    return tb;
}
