/*
 * Guest memory under KVM: every RAM and ROM section of the machine's flat
 * view becomes a KVM memory slot over the same host memory, so device
 * DMA, loaders and the monitor see what the guest sees.  ROM and sections
 * behind a read-only alias are KVM_MEM_READONLY: guest writes to them exit
 * as MMIO and the normal path drops them.  Everything else (device
 * registers, the local APIC page, unmapped space) has no slot and exits to
 * userspace (kvm.c).  The slots follow the flat view through the listener
 * softmmu calls after each change.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "backends/kvm/kvm_internal.h"
#include "softmmu/memory.h"

#define KVM_PAGE_SIZE 4096u

static bool kvm_slot_same(const KvmSlot *a, const KvmSlot *b)
{
    return a->gpa == b->gpa && a->size == b->size && a->hva == b->hva && a->flags == b->flags;
}

static bool kvm_slot_set(KvmState *s, unsigned id, const KvmSlot *slot, bool remove)
{
    struct kvm_userspace_memory_region r = {
        .slot = id,
        .flags = slot->flags,
        .guest_phys_addr = slot->gpa,
        .memory_size = remove ? 0 : slot->size,
        .userspace_addr = (uint64_t)(uintptr_t)slot->hva,
    };
    if (ioctl(s->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) == 0) return true;
    fprintf(stderr, "doppel: kvm: KVM_SET_USER_MEMORY_REGION slot %u [0x%llx, +0x%llx)%s: %s\n", id,
            (unsigned long long)slot->gpa, (unsigned long long)slot->size,
            remove ? " (remove)" : "", strerror(errno));
    return false;
}

/* The slot a flat section gives: its whole pages whose host address is
 * page-aligned too (KVM maps host pages).  Partial pages stay MMIO. */
static bool kvm_slot_of_section(const FlatSection *sec, KvmSlot *out)
{
    const MemoryRegion *mr = sec->mr;
    if ((mr->kind != MR_RAM && mr->kind != MR_ROM) || !mr->host) return false;
    uint64_t start = (sec->start + KVM_PAGE_SIZE - 1) & ~(uint64_t)(KVM_PAGE_SIZE - 1);
    uint64_t end = sec->end & ~(uint64_t)(KVM_PAGE_SIZE - 1);
    if (start >= end || start < sec->start) return false;
    uint8_t *hva = mr->host + sec->offset_in_mr + (start - sec->start);
    if ((uintptr_t)hva & (KVM_PAGE_SIZE - 1)) return false;
    *out = (KvmSlot){
        .gpa = start,
        .size = end - start,
        .hva = hva,
        .flags = (mr->kind == MR_ROM || sec->readonly) ? KVM_MEM_READONLY : 0,
        .used = true,
    };
    return true;
}

bool kvm_mem_sync(KvmState *s)
{
    KvmSlot want[KVM_MAX_SLOTS];
    unsigned nwant = 0;
    const FlatView *view = s->m->as->view;
    for (unsigned i = 0; i < view->nsections; i++) {
        KvmSlot slot;
        if (!kvm_slot_of_section(&view->sections[i], &slot)) continue;
        if (nwant == KVM_MAX_SLOTS) {
            fprintf(stderr, "doppel: kvm: more than %d RAM/ROM sections\n", KVM_MAX_SLOTS);
            return false;
        }
        want[nwant++] = slot;
    }
    /* Slots may not overlap: drop the ones that went away first. */
    bool ok = true;
    for (unsigned id = 0; id < KVM_MAX_SLOTS; id++) {
        KvmSlot *cur = &s->slots[id];
        if (!cur->used) continue;
        bool keep = false;
        for (unsigned i = 0; i < nwant && !keep; i++)
            if (want[i].used && kvm_slot_same(cur, &want[i])) {
                keep = true;
                want[i].used = false; /* already there */
            }
        if (keep) continue;
        ok &= kvm_slot_set(s, id, cur, true);
        cur->used = false;
    }
    unsigned id = 0;
    for (unsigned i = 0; i < nwant; i++) {
        if (!want[i].used) continue;
        while (s->slots[id].used)
            id++; /* a free id exists: at most nwant slots are in use */
        if (!kvm_slot_set(s, id, &want[i], false)) {
            ok = false;
            continue;
        }
        s->slots[id] = want[i];
    }
    return ok;
}

void kvm_mem_changed(void *opaque, AddressSpace *as)
{
    KvmState *s = opaque;
    (void)as;
    if (!kvm_mem_sync(s)) machine_request_exit(s->m, 1);
}
