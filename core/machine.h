/*
 * Machines (blueprint §8): a registry of boards, each a few screens of
 * declarative set-up in machines/<board>.c, and the Machine instance the
 * vCPU loop, devices and monitor share.
 */
#ifndef DOPPEL_MACHINE_H
#define DOPPEL_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/cpu.h"
#include "core/runstate.h"

struct Options;
struct TbCache;
struct EventLoop;
struct Clocks;
struct Device;
struct AddressSpace;
struct MemoryRegion;

#define MACHINE_MAX_CPUS 64

typedef struct Machine Machine;

typedef struct MachineClass {
    const char *name;
    const char *desc; /* one line, shown by -M help */
    const char *arch; /* guest ISA family: "ir", "s370", "x86", ... */
    uint64_t default_ram_size;
    int max_cpus;
    bool is_default; /* the machine used without -M */
    /* When every cpu is halted and none can be woken, end the run with
     * status 0 (boards whose cpus have no interrupt sources). */
    bool exit_on_halt;
    /* Build the board: cpus, memory map, devices, firmware.  Returns false
     * after printing one line saying what is wrong. */
    bool (*init)(Machine *m);
    /* Free the board (m->board and what init allocated); may be NULL. */
    void (*finalize)(Machine *m);
    /* Start the guest once every device exists (after -device): load
     * firmware that depends on devices, IPL.  Called by machine_boot and
     * again after every machine_reset that follows it.  May be NULL;
     * returns false after printing one line. */
    bool (*boot)(Machine *m);
    /* system_powerdown: signal the guest to shut down (the PC's ACPI power
     * button).  NULL or false: the board has no such signal. */
    bool (*powerdown)(Machine *m);
} MachineClass;

struct Machine {
    const MachineClass *mc;
    const struct Options *opts;
    uint64_t ram_size;
    CPUState *cpus[MACHINE_MAX_CPUS];
    int ncpus;
    struct MemoryRegion *system_memory; /* root of the physical map */
    struct AddressSpace *as;
    struct TbCache *tb_cache;
    struct Jit *jit; /* tier 1 (-accel jit), or NULL: interpreter only */
    struct EventLoop *loop;
    struct Clocks *clocks;
    struct Device *devices; /* every realized device, in creation order */
    int icount_shift;       /* -icount: virtual ns per insn = 1 << shift; -1 off */
    /* Buses devices attach to by name ("channel"), set up by the board. */
    struct {
        const char *name;
        void *bus;
    } buses[16];
    int nbuses;
    bool booted; /* machine_boot has run */
    /* Set by the test-exit device, Ctrl-A x, the monitor's quit. */
    bool quit;
    int exit_status;
    /* core/runstate.c: the run state and who hears about its changes. */
    RunState runstate;
    struct {
        VmEventListener *fn;
        void *opaque;
    } listeners[VM_MAX_LISTENERS];
    int nlisteners;
    bool reset_by_host; /* vm_reset is running machine_reset */
    const char *reset_reason;
    struct SnapshotDrives *snapshot_drives; /* core/snapshot.c: media to follow */
    struct Replay *replay;                  /* core/replay.c: -icount rr=, or NULL */
    struct Reverse *reverse;                /* core/reverse.c: images for reverse debugging */
    struct ReplayChannel *machine_channel;  /* core/runstate.c: host resets under rr */
    bool debugger_attached;                 /* a gdb client is connected (core/gdbstub.c) */
    /* Board-private state. */
    void *board;
    /* Input sinks (core/input.h). */
    struct {
        void (*key)(void *opaque, int keycode, bool down);
        void *key_opaque;
        void (*mouse)(void *opaque, int dx, int dy, int dz, unsigned buttons);
        void *mouse_opaque;
        struct ReplayChannel *rr; /* core/input.c: events under -icount rr= */
    } input;
};

void machine_register(const MachineClass *mc);
/* core/vm.c: build the common parts (memory root, address space, TB cache,
 * clocks, event loop), call mc->init, reset; NULL after one printed line. */
Machine *machine_create(const MachineClass *mc, const struct Options *opts);
/* Add a cpu of arch to the machine (TLB, address space, TB cache). */
CPUState *machine_add_cpu(Machine *m, const ArchOps *arch);
/* Run until quit; returns the exit status. */
int machine_run(Machine *m);
void machine_reset(Machine *m);
/* After the command line's devices exist: mc->boot.  False after one
 * printed line. */
bool machine_boot(Machine *m);
/* The board's named buses, for devices to attach to at realize (and
 * shared services devices create, such as a TN3270 server's port).
 * machine_add_bus is false when the table is full; name must outlive the
 * entry. */
bool machine_add_bus(Machine *m, const char *name, void *bus);
void *machine_find_bus(Machine *m, const char *name);
void machine_remove_bus(Machine *m, void *bus);
void machine_destroy(Machine *m);
const MachineClass *machine_find(const char *name);
const MachineClass *machine_default(void);
/* Print the -M help list. */
void machine_print_list(FILE *out);
/* Guest instructions executed, summed over the cpus (the -icount clock,
 * record/replay positions, reverse execution). */
uint64_t machine_total_icount(const Machine *m);
/* Stop the emulator with an exit status, as the guest asked (test exit,
 * ACPI S5): sends VM_EVENT_SHUTDOWN with guest=true, "guest-shutdown". */
void machine_request_exit(Machine *m, int status);
/* The same with who asked and QEMU's reason ("host-qmp-quit" for the
 * monitor's and QMP's quit, "host-ui" for Ctrl-A x, "host-signal"). */
void machine_request_shutdown(Machine *m, int status, bool guest, const char *reason);

#define MACHINE_REGISTER(mc_var)                                                                   \
    __attribute__((constructor)) static void register_machine_##mc_var(void)                       \
    {                                                                                              \
        machine_register(&mc_var);                                                                 \
    }

#endif
