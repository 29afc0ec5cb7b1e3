/*
 * The KVM accelerator: the VM and its vCPUs, KVM_RUN and its exits
 * (Linux Documentation/virt/kvm/api.rst).  No in-kernel irqchip: the
 * board's PIC/APIC stay in userspace and their interrupts are injected
 * with KVM_INTERRUPT when the guest can take one.
 *
 * The event loop runs on the same thread, so KVM_RUN must come back in
 * time for it: a per-vCPU POSIX timer sends KVM_KICK_SIGNAL at the next
 * timer deadline (at most KVM_MAX_SLICE_NS away).  The signal is blocked
 * in the thread and unblocked only inside KVM_RUN (KVM_SET_SIGNAL_MASK),
 * so it interrupts nothing else; a kick that arrives outside KVM_RUN stays
 * pending and ends the next one at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "backends/kvm/kvm_internal.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/options.h"
#include "frontends/x86/x86.h"
#include "softmmu/memory.h"

/* The name kvm_setup registers the VM under in the machine's table of
 * shared services (machine_add_bus), where kvm_cpu_exec finds it. */
#define KVM_SERVICE_NAME "kvm"

/* KVM_RUN runs at least this long, even with a timer overdue. */
#define KVM_MIN_SLICE_NS 50000

/* Intel VMX without unrestricted guest needs three pages for the TSS of
 * its real-mode emulation and one for an identity page table: just below
 * the 256 KiB BIOS window, where QEMU's PC puts them. */
#define KVM_TSS_ADDR          0xfffbd000u
#define KVM_IDENTITY_MAP_ADDR 0xfffbc000u

#define KVM_KICK_SIGNAL (SIGRTMIN + 1)

/* Capabilities the accelerator relies on. */
static const struct {
    int cap;
    const char *name;
} kvm_required_caps[] = {
    {KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"},
    {KVM_CAP_READONLY_MEM, "KVM_CAP_READONLY_MEM"},
    {KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID"},
    {KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT"},
    {KVM_CAP_DEBUGREGS, "KVM_CAP_DEBUGREGS"},
};

static KvmState *kvm_state(Machine *m)
{
    return m ? machine_find_bus(m, KVM_SERVICE_NAME) : NULL;
}

bool kvm_enabled(Machine *m)
{
    return kvm_state(m) != NULL;
}

/* ---- the kick ---- */

static void kvm_kick_handler(int sig)
{
    (void)sig; /* only ends KVM_RUN (EINTR) */
}

static sigset_t kvm_kick_set(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, KVM_KICK_SIGNAL);
    return set;
}

/* Handler, blocked in this thread, unblocked in KVM_RUN. */
static bool kvm_kick_init(char *err, size_t errlen)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = kvm_kick_handler;
    sigemptyset(&sa.sa_mask);
    sigset_t set = kvm_kick_set();
    if (sigaction(KVM_KICK_SIGNAL, &sa, NULL) < 0 || pthread_sigmask(SIG_BLOCK, &set, NULL) != 0) {
        snprintf(err, errlen, "cannot set up the kick signal: %s", strerror(errno));
        return false;
    }
    return true;
}

/* Drop kicks that arrived while KVM_RUN was not running. */
static void kvm_kick_drain(void)
{
    sigset_t set = kvm_kick_set();
    struct timespec zero = {0, 0};
    while (sigtimedwait(&set, NULL, &zero) > 0) {
    }
}

static bool kvm_vcpu_init_kick(KvmVcpu *v, char *err, size_t errlen)
{
    /* The mask in force during KVM_RUN: this thread's, minus the kick. */
    sigset_t mask;
    pthread_sigmask(SIG_BLOCK, NULL, &mask);
    sigdelset(&mask, KVM_KICK_SIGNAL);
    struct {
        struct kvm_signal_mask head;
        uint8_t bits[8]; /* the kernel's sigset: 64 bits */
    } km;
    km.head.len = 8;
    memcpy(km.bits, &mask, 8);
    if (ioctl(v->fd, KVM_SET_SIGNAL_MASK, &km) < 0) {
        snprintf(err, errlen, "/dev/kvm: KVM_SET_SIGNAL_MASK: %s", strerror(errno));
        return false;
    }
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = KVM_KICK_SIGNAL;
    sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
    if (timer_create(CLOCK_MONOTONIC, &sev, &v->kick_timer) < 0) {
        snprintf(err, errlen, "cannot create the vCPU kick timer: %s", strerror(errno));
        return false;
    }
    v->has_kick_timer = true;
    return true;
}

/* Kick KVM_RUN out at the next timer deadline, KVM_MAX_SLICE_NS at most. */
static void kvm_kick_arm(KvmVcpu *v)
{
    int64_t ns = clocks_deadline_ns(v->kvm->m->clocks);
    if (ns < 0 || ns > KVM_MAX_SLICE_NS) ns = KVM_MAX_SLICE_NS;
    if (ns < KVM_MIN_SLICE_NS) ns = KVM_MIN_SLICE_NS;
    struct itimerspec its = {.it_value = {.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000}};
    kvm_kick_drain();
    timer_settime(v->kick_timer, 0, &its, NULL);
}

/* ---- setup ---- */

static void kvm_vcpu_free(KvmVcpu *v)
{
    if (!v) return;
    if (v->has_kick_timer) timer_delete(v->kick_timer);
    if (v->run) munmap(v->run, v->kvm->run_size);
    if (v->fd >= 0) close(v->fd);
    free(v);
}

static KvmVcpu *kvm_vcpu_create(KvmState *s, CPUState *cpu, char *err, size_t errlen)
{
    KvmVcpu *v = calloc(1, sizeof(*v));
    if (!v) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    v->kvm = s;
    v->cpu = cpu;
    v->fd = ioctl(s->vm_fd, KVM_CREATE_VCPU, (unsigned long)cpu->cpu_index);
    if (v->fd < 0) {
        snprintf(err, errlen, "/dev/kvm: KVM_CREATE_VCPU %d: %s", cpu->cpu_index, strerror(errno));
        kvm_vcpu_free(v);
        return NULL;
    }
    void *run = mmap(NULL, s->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
    if (run == MAP_FAILED) {
        snprintf(err, errlen, "/dev/kvm: mmap of kvm_run: %s", strerror(errno));
        kvm_vcpu_free(v);
        return NULL;
    }
    v->run = run;
    if (!kvm_x86_init_vcpu(v, err, errlen) || !kvm_vcpu_init_kick(v, err, errlen)) {
        kvm_vcpu_free(v);
        return NULL;
    }
    return v;
}

static bool kvm_open(KvmState *s, char *err, size_t errlen)
{
    s->fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (s->fd < 0) {
        snprintf(err, errlen, "/dev/kvm: %s", strerror(errno));
        return false;
    }
    int version = ioctl(s->fd, KVM_GET_API_VERSION, 0);
    if (version != KVM_API_VERSION) {
        snprintf(err, errlen, "/dev/kvm: API version %d, doppel needs %d", version,
                 KVM_API_VERSION);
        return false;
    }
    for (size_t i = 0; i < sizeof kvm_required_caps / sizeof kvm_required_caps[0]; i++) {
        if (ioctl(s->fd, KVM_CHECK_EXTENSION, kvm_required_caps[i].cap) <= 0) {
            snprintf(err, errlen, "/dev/kvm: %s is missing", kvm_required_caps[i].name);
            return false;
        }
    }
    int size = ioctl(s->fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (size < (int)sizeof(struct kvm_run)) {
        snprintf(err, errlen, "/dev/kvm: KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
        return false;
    }
    s->run_size = (size_t)size;
    s->vm_fd = ioctl(s->fd, KVM_CREATE_VM, 0);
    if (s->vm_fd < 0) {
        snprintf(err, errlen, "/dev/kvm: KVM_CREATE_VM: %s", strerror(errno));
        return false;
    }
    /* Only VMX without unrestricted guest uses these; a failure shows
     * when real-mode code cannot run, not here. */
    if (ioctl(s->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)KVM_TSS_ADDR) < 0)
        LOG_MASK(LOG_UNIMP, "kvm: KVM_SET_TSS_ADDR: %s\n", strerror(errno));
    uint64_t identity = KVM_IDENTITY_MAP_ADDR;
    if (ioctl(s->fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_IDENTITY_MAP_ADDR) > 0 &&
        ioctl(s->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &identity) < 0)
        LOG_MASK(LOG_UNIMP, "kvm: KVM_SET_IDENTITY_MAP_ADDR: %s\n", strerror(errno));
    return true;
}

static void kvm_free(KvmState *s)
{
    if (s->listening) address_space_remove_listener(s->m->as, kvm_mem_changed, s);
    for (int i = 0; i < MACHINE_MAX_CPUS; i++)
        kvm_vcpu_free(s->vcpus[i]);
    if (s->vm_fd >= 0) close(s->vm_fd);
    if (s->fd >= 0) close(s->fd);
    free(s);
}

bool kvm_setup(Machine *m, char *err, size_t errlen)
{
    if (strcmp(m->mc->arch, "x86") != 0) {
        snprintf(err, errlen, "machine '%s' is not an x86 machine: KVM runs x86 guests only",
                 m->mc->name);
        return false;
    }
    if (m->icount_shift >= 0) {
        snprintf(err, errlen, "-icount needs -accel interp or jit (KVM counts no instructions)");
        return false;
    }
    KvmState *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    s->m = m;
    s->fd = s->vm_fd = -1;
    s->cpu_host = m->opts && m->opts->cpu_model && !strcmp(m->opts->cpu_model, "host");
    bool ok =
        kvm_open(s, err, errlen) && kvm_x86_init(s, err, errlen) && kvm_kick_init(err, errlen);
    for (int i = 0; ok && i < m->ncpus; i++) {
        s->vcpus[i] = kvm_vcpu_create(s, m->cpus[i], err, errlen);
        ok = s->vcpus[i] != NULL;
    }
    if (ok && !kvm_mem_sync(s)) {
        snprintf(err, errlen, "/dev/kvm: cannot map guest memory");
        ok = false;
    }
    if (ok && !(s->listening = address_space_add_listener(m->as, kvm_mem_changed, s))) {
        snprintf(err, errlen, "no room for the memory listener");
        ok = false;
    }
    if (ok && !machine_add_bus(m, KVM_SERVICE_NAME, s)) {
        snprintf(err, errlen, "the machine's service table is full");
        ok = false;
    }
    if (!ok) kvm_free(s);
    return ok;
}

void kvm_teardown(Machine *m)
{
    KvmState *s = kvm_state(m);
    if (!s) return;
    machine_remove_bus(m, s);
    kvm_free(s);
}

/* ---- running ---- */

/* Interrupts from the board (SDM Vol 3 §6.8.1): NMI at once, INTR when
 * KVM says the guest can take it (IF set, no interrupt shadow, nothing
 * being injected), otherwise an exit when it can. */
static void kvm_inject_interrupts(KvmVcpu *v)
{
    CPUState *cpu = v->cpu;
    X86CPU *x = x86_cpu(cpu);
    struct kvm_run *run = v->run;
    int req = atomic_load(&cpu->interrupt_request);
    if (req & X86_INTERRUPT_INIT) cpu_reset_interrupt(cpu, X86_INTERRUPT_INIT); /* SMP: later */
    if (req & CPU_INTERRUPT_NMI) {
        cpu_reset_interrupt(cpu, CPU_INTERRUPT_NMI);
        if (ioctl(v->fd, KVM_NMI) < 0)
            fprintf(stderr, "doppel: kvm: KVM_NMI: %s\n", strerror(errno));
    }
    run->request_interrupt_window = 0;
    if (!(req & CPU_INTERRUPT_HARD)) return;
    if (run->ready_for_interrupt_injection && run->if_flag) {
        int vector = x->intr_ack ? x->intr_ack(x->intr_opaque) : -1;
        if (vector >= 0) {
            struct kvm_interrupt irq = {.irq = (uint32_t)vector & 0xff};
            if (ioctl(v->fd, KVM_INTERRUPT, &irq) < 0)
                fprintf(stderr, "doppel: kvm: KVM_INTERRUPT: %s\n", strerror(errno));
            cpu->stats.interrupts++;
        } else if (!x->intr_ack) {
            cpu_reset_interrupt(cpu, CPU_INTERRUPT_HARD);
        }
        /* Another one behind it: come back when that can go in too. */
        if (atomic_load(&cpu->interrupt_request) & CPU_INTERRUPT_HARD)
            run->request_interrupt_window = 1;
    } else {
        run->request_interrupt_window = 1;
    }
}

/* Port I/O, one or more items (string I/O) in the kvm_run page. */
static void kvm_handle_io(KvmVcpu *v)
{
    X86CPU *x = x86_cpu(v->cpu);
    struct kvm_run *run = v->run;
    uint8_t *data = (uint8_t *)run + run->io.data_offset;
    unsigned size = run->io.size;
    for (uint32_t i = 0; i < run->io.count; i++, data += size) {
        uint32_t val = 0;
        if (run->io.direction == KVM_EXIT_IO_OUT) {
            memcpy(&val, data, size);
            x86_port_write(x, run->io.port, val, size);
        } else {
            val = x86_port_read(x, run->io.port, size);
            memcpy(data, &val, size);
        }
    }
}

/* Not an exit the guest can cause by itself: say what happened; the state
 * is dumped once it has been read back. */
static void kvm_report_failure(KvmVcpu *v)
{
    struct kvm_run *run = v->run;
    switch (run->exit_reason) {
    case KVM_EXIT_FAIL_ENTRY:
        fprintf(stderr, "doppel: kvm: vCPU %d: entry failed, hardware reason 0x%llx\n",
                v->cpu->cpu_index,
                (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
        break;
    case KVM_EXIT_INTERNAL_ERROR:
        fprintf(stderr, "doppel: kvm: vCPU %d: internal error, suberror %u\n", v->cpu->cpu_index,
                run->internal.suberror);
        break;
    default:
        fprintf(stderr, "doppel: kvm: vCPU %d: unhandled exit reason %u\n", v->cpu->cpu_index,
                run->exit_reason);
        break;
    }
}

enum { KVM_CONTINUE = -1 };

/* Handle one exit; KVM_CONTINUE or the cpu_exec result. */
static int kvm_handle_exit(KvmVcpu *v, bool *failed)
{
    CPUState *cpu = v->cpu;
    X86CPU *x = x86_cpu(cpu);
    struct kvm_run *run = v->run;
    switch (run->exit_reason) {
    case KVM_EXIT_IO:
        kvm_handle_io(v);
        v->complete_io = true;
        return KVM_CONTINUE;
    case KVM_EXIT_MMIO:
        address_space_rw(cpu->as, run->mmio.phys_addr, run->mmio.data, run->mmio.len,
                         run->mmio.is_write);
        v->complete_io = true;
        return KVM_CONTINUE;
    case KVM_EXIT_IRQ_WINDOW_OPEN:
    case KVM_EXIT_INTR: return KVM_CONTINUE;
    case KVM_EXIT_HLT: cpu->halted = true; return EXCP_HALTED;
    case KVM_EXIT_DEBUG: return kvm_debug_exit(v);
    case KVM_EXIT_SHUTDOWN:
        /* Triple fault (SDM Vol 3 §6.15 "Interrupt 8"): the board's reset,
         * as the interpreter does it (x86_interrupt.c). */
        LOG_MASK(LOG_INT, "kvm: triple fault: reset\n");
        if (x->reset_request) {
            x->reset_request(x->reset_opaque);
            cpu->halted = true; /* until the machine resets it */
        } else {
            v->reset_pending = true;
        }
        return EXCP_INTERRUPT;
    default:
        kvm_report_failure(v);
        *failed = true;
        return EXCP_INTERRUPT;
    }
}

/* KVM completes an I/O or MMIO exit at the next KVM_RUN; with
 * immediate_exit it does that without running the guest (api.rst
 * "KVM_CAP_IMMEDIATE_EXIT"), so the state read next is consistent. */
static void kvm_complete_io(KvmVcpu *v)
{
    if (!v->complete_io) return;
    v->complete_io = false;
    v->run->immediate_exit = 1;
    ioctl(v->fd, KVM_RUN, 0);
    v->run->immediate_exit = 0;
}

KvmVcpu *kvm_vcpu_of(CPUState *cpu)
{
    KvmState *s = cpu->machine ? kvm_state(cpu->machine) : NULL;
    return s ? s->vcpus[cpu->cpu_index] : NULL;
}

int kvm_cpu_exec(CPUState *cpu)
{
    KvmState *s = kvm_state(cpu->machine);
    KvmVcpu *v = s ? s->vcpus[cpu->cpu_index] : NULL;
    Machine *m = cpu->machine;
    if (!v) return EXCP_HALTED;
    if (cpu->halted) {
        if (!cpu->arch->has_work(cpu)) return EXCP_HALTED;
        cpu->halted = false;
    }
    if (!kvm_x86_put_state(v)) {
        machine_request_exit(m, 1);
        return EXCP_INTERRUPT;
    }
    /* Breakpoints, watchpoints, single step: reprogrammed each time a
     * debugger is attached (cheap next to the stop it asked for). */
    if (cpu->debug || v->debug_on) kvm_debug_update(v);
    kvm_kick_arm(v);
    int ret = EXCP_INTERRUPT;
    bool failed = false;
    for (;;) {
        if (m->quit || atomic_exchange(&cpu->exit_request, 0)) break;
        kvm_inject_interrupts(v);
        v->complete_io = false;
        if (ioctl(v->fd, KVM_RUN, 0) < 0) {
            if (errno == EINTR || errno == EAGAIN) break; /* kicked */
            fprintf(stderr, "doppel: kvm: KVM_RUN: %s\n", strerror(errno));
            failed = true;
            break;
        }
        ret = kvm_handle_exit(v, &failed);
        if (ret != KVM_CONTINUE) break;
        ret = EXCP_INTERRUPT;
    }
    kvm_complete_io(v);
    kvm_kick_drain();
    if (!kvm_x86_get_state(v)) failed = true;
    if (v->reset_pending) {
        v->reset_pending = false;
        cpu_reset(cpu);
    }
    if (failed) {
        cpu->arch->dump_state(cpu, stderr);
        machine_request_exit(m, 1);
    }
    return ret;
}
