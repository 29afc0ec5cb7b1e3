/*
 * The PC's memory map as firmware reports it (ACPI 6.4 §15 "System Address
 * Map Interfaces", INT 15h E820h): used by the Linux loader's zero page
 * and by the fw_cfg file "etc/e820" SeaBIOS reads.
 */
#ifndef DOPPEL_E820_H
#define DOPPEL_E820_H

#include <stdint.h>

enum {
    E820_RAM = 1,
    E820_RESERVED = 2,
    E820_ACPI = 3, /* ACPI reclaimable: the tables */
    E820_NVS = 4,
};

typedef struct E820Entry {
    uint64_t addr, size;
    uint32_t type;
} E820Entry;

#define E820_MAX_ENTRIES 16

typedef struct E820Map {
    E820Entry entry[E820_MAX_ENTRIES];
    int count;
} E820Map;

static inline void e820_add(E820Map *map, uint64_t addr, uint64_t size, uint32_t type)
{
    if (map->count < E820_MAX_ENTRIES && size)
        map->entry[map->count++] = (E820Entry){.addr = addr, .size = size, .type = type};
}

#endif
