/*
 * The machine registry (-M) and the exit request shared by the test-exit
 * device, Ctrl-A x and the monitor.
 */
#include "core/machine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MACHINE_REGISTRY_MAX 64

static const MachineClass *machine_registry[MACHINE_REGISTRY_MAX];
static int machine_registry_count;

void machine_register(const MachineClass *mc)
{
    if (machine_registry_count == MACHINE_REGISTRY_MAX) {
        fprintf(stderr, "doppel: machine registry full (raise MACHINE_REGISTRY_MAX)\n");
        abort();
    }
    machine_registry[machine_registry_count++] = mc;
}

const MachineClass *machine_find(const char *name)
{
    for (int i = 0; i < machine_registry_count; i++) {
        if (strcmp(machine_registry[i]->name, name) == 0) return machine_registry[i];
    }
    return NULL;
}

const MachineClass *machine_default(void)
{
    for (int i = 0; i < machine_registry_count; i++) {
        if (machine_registry[i]->is_default) return machine_registry[i];
    }
    return NULL;
}

static int machine_compare_names(const void *a, const void *b)
{
    const MachineClass *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

void machine_print_list(FILE *out)
{
    const MachineClass *sorted[MACHINE_REGISTRY_MAX];
    int n = machine_registry_count;
    memcpy(sorted, machine_registry, (size_t)n * sizeof sorted[0]);
    qsort(sorted, (size_t)n, sizeof sorted[0], machine_compare_names);
    fprintf(out, "Supported machines are:\n");
    for (int i = 0; i < n; i++)
        fprintf(out, "%-20s %s%s\n", sorted[i]->name, sorted[i]->desc,
                sorted[i]->is_default ? " (default)" : "");
}

uint64_t machine_total_icount(const Machine *m)
{
    uint64_t n = 0;
    for (int i = 0; i < m->ncpus; i++)
        n += m->cpus[i]->icount;
    return n;
}

void machine_request_shutdown(Machine *m, int status, bool guest, const char *reason)
{
    /* The first request wins: a guest that writes test-exit twice ends
     * with the status of the first write. */
    if (m->quit) return;
    m->quit = true;
    m->exit_status = status;
    for (int i = 0; i < m->ncpus; i++) {
        if (m->cpus[i]) cpu_exit(m->cpus[i]);
    }
    m->runstate = RUN_STATE_SHUTDOWN;
    VmEventInfo info = {.state = RUN_STATE_SHUTDOWN, .guest = guest, .reason = reason};
    vm_notify(m, VM_EVENT_SHUTDOWN, &info);
}

void machine_request_exit(Machine *m, int status)
{
    machine_request_shutdown(m, status, true, "guest-shutdown");
}
