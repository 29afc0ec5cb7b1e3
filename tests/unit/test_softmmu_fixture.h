/*
 * Fixture for the softmmu suites: a tiny cpu whose MMU is a small table of
 * page mappings (or identity), counting its walks and recording faults,
 * a physical map of RAM, ROM and a recording IO device.
 */
#ifndef TEST_SOFTMMU_FIXTURE_H
#define TEST_SOFTMMU_FIXTURE_H

#include <setjmp.h>
#include <stdint.h>

#include "core/cpu.h"
#include "core/tb.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"

/* The physical map every suite starts from. */
#define SM_RAM_BASE 0x0ull
#define SM_RAM_SIZE 0x10000ull
#define SM_ROM_BASE 0x10000ull
#define SM_ROM_SIZE 0x1000ull
#define SM_DEV_BASE 0x20000ull
#define SM_DEV_SIZE 0x100ull
#define SM_UNMAPPED 0x30000ull

typedef struct SmMapping {
    uint64_t vaddr, paddr; /* start of the mapping */
    int prot;
    unsigned page_bits; /* 0: the cpu's */
} SmMapping;

typedef struct SmCpu {
    CPUState parent;
    SmMapping map[16];
    unsigned nmap;
    bool identity; /* unmapped vaddrs map 1:1 with all permissions */
    unsigned walks;
    unsigned faults;
    uint64_t fault_vaddr;
    MMUAccess fault_access;
    unsigned unaligned_faults;
} SmCpu;

typedef struct SmIoRecord {
    bool write;
    uint64_t offset;
    unsigned size;
    uint64_t value;
} SmIoRecord;

/* A device backed by bytes: reads return them, writes store them, both in
 * the device's endianness, and every access is recorded. */
typedef struct SmDev {
    uint8_t bytes[SM_DEV_SIZE];
    SmIoRecord log[64];
    unsigned nlog;
    DeviceEndian endian;
} SmDev;

typedef struct SmWorld {
    MemoryRegion root, ram, rom, dev;
    AddressSpace as;
    SmDev devstate;
    MemoryRegionOps devops;
    SmCpu *cpu;
} SmWorld;

extern const ArchOps sm_arch;         /* with an unaligned_access hook */
extern const ArchOps sm_arch_lenient; /* without: misaligned accesses allowed */

/* Build the map and (if arch) one identity-mapped cpu on it. */
void sm_world_init(SmWorld *w, const ArchOps *arch);
void sm_world_fini(SmWorld *w);
/* A cached TB over [phys, phys+size) on one page, its code marked. */
TranslationBlock *sm_make_tb(SmWorld *w, TbCache *c, uint64_t phys, uint32_t size);
/* Give the device new access rules (call before use). */
void sm_world_set_dev(SmWorld *w, DeviceEndian endian, unsigned min, unsigned max, bool unaligned);
void sm_map(SmCpu *c, uint64_t vaddr, uint64_t paddr, int prot, unsigned page_bits);
uint64_t sm_dev_read(void *opaque, uint64_t offset, unsigned size);
void sm_dev_write(void *opaque, uint64_t offset, uint64_t value, unsigned size);

#define SM_RWX (MMU_PROT_READ | MMU_PROT_WRITE | MMU_PROT_EXEC)

/* Run stmt; true if it left through cpu_loop_exit (a guest fault). */
#define SM_FAULTS(cpu, stmt)                                                                       \
    ({                                                                                             \
        volatile bool sm_faulted_ = true;                                                          \
        if (setjmp((cpu)->jmp_env) == 0) {                                                         \
            stmt;                                                                                  \
            sm_faulted_ = false;                                                                   \
        }                                                                                          \
        sm_faulted_;                                                                               \
    })

#endif
