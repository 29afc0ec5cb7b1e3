/* apic: the local APIC through its MMIO page in a memory address space,
 * with a calloc'ed X86CPU, a fake clock, a fake APIC bus and the real
 * i8259 on LINT0. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/cpu.h"
#include "core/device.h"
#include "core/machine.h"
#include "devices/intc/apic.h"
#include "devices/intc/apic_bus.h"
#include "devices/intc/i8259.h"
#include "frontends/x86/x86.h"
#include "softmmu/memory.h"

#define APIC 0xfee00000u

enum {
    ID = 0x20,
    VER = 0x30,
    TPR = 0x80,
    APR = 0x90,
    PPR = 0xa0,
    EOI = 0xb0,
    LDR = 0xd0,
    DFR = 0xe0,
    SVR = 0xf0,
    ISR = 0x100,
    TMR = 0x180,
    IRR = 0x200,
    ESR = 0x280,
    ICR_LO = 0x300,
    ICR_HI = 0x310,
    LVT_TIMER = 0x320,
    LVT_LINT0 = 0x350,
    LVT_LINT1 = 0x360,
    LVT_ERROR = 0x370,
    TIMER_INIT = 0x380,
    TIMER_CUR = 0x390,
    TIMER_DIV = 0x3e0,
};

static Machine M;
static MemoryRegion mem, io;
static AddressSpace as, io_as;
static X86CPU *cpu;
static ApicBus bus;
static Device *apic;
static int64_t fake_ns;
static int eois[8], neois;

static int64_t fake_now(void *opaque)
{
    return fake_ns;
}

static void bus_eoi(void *opaque, uint8_t vector)
{
    if (neois < 8) eois[neois] = vector;
    neois++;
}

static uint32_t rd(uint32_t off)
{
    uint64_t v = 0;
    cr_assert_eq(address_space_read_val(&as, APIC + off, 4, false, &v), MEMTX_OK, "%#x", off);
    return (uint32_t)v;
}

static void wr(uint32_t off, uint32_t v)
{
    cr_assert_eq(address_space_write_val(&as, APIC + off, 4, false, v), MEMTX_OK, "%#x", off);
}

static bool hard(void)
{
    return atomic_load(&cpu->common.interrupt_request) & CPU_INTERRUPT_HARD;
}

static bool nmi(void)
{
    return atomic_load(&cpu->common.interrupt_request) & CPU_INTERRUPT_NMI;
}

static bool bit(uint32_t base, int v)
{
    return rd(base + (uint32_t)(v / 32) * 0x10) & (1u << (v % 32));
}

static void send(uint8_t vector, bool level)
{
    ApicMessage msg = {
        .dest = 0, .delivery_mode = APIC_DM_FIXED, .vector = vector, .level_triggered = level};
    apic_deliver(apic, &msg);
}

static void advance(int64_t ns)
{
    fake_ns += ns;
    clocks_run_expired(M.clocks);
}

static void setup(void)
{
    memset(&M, 0, sizeof M);
    fake_ns = 1000000;
    M.clocks = clocks_new();
    clocks_set_host_source(M.clocks, fake_now, NULL);
    memory_region_init_container(&mem, "mem", 1ull << 36);
    address_space_init(&as, &mem, "memory");
    memory_region_init_container(&io, "io", 0x10000);
    address_space_init(&io_as, &io, "io");
    M.system_memory = &mem;
    cpu = calloc(1, sizeof *cpu);
    cpu->apic_base = 0xfee00900;
    bus = (ApicBus){.eoi = bus_eoi};
    neois = 0;
    apic = apic_create(&M, cpu, &bus);
    cr_assert_not_null(apic);
    bus.deliver = apic_deliver;
    bus.deliver_opaque = apic;
}

static void teardown(void)
{
    device_free_all(&M);
    free(cpu);
    address_space_destroy(&as);
    address_space_destroy(&io_as);
    memory_region_destroy(&mem);
    memory_region_destroy(&io);
    clocks_free(M.clocks);
}

TestSuite(pc_intc_apic, .init = setup, .fini = teardown);

static void enable(void)
{
    wr(SVR, 0x1ff);
}

Test(pc_intc_apic, reset_values)
{
    cr_assert_eq(rd(VER), 0x00050014);
    cr_assert_eq(rd(ID), 0);
    cr_assert_eq(rd(SVR), 0xff, "software disabled, spurious vector 0xff");
    cr_assert_eq(rd(DFR), 0xffffffff, "flat model");
    cr_assert_eq(rd(TPR), 0);
    cr_assert_eq(rd(PPR), 0);
    cr_assert_eq(rd(LVT_TIMER), 0x10000);
    cr_assert_eq(rd(LVT_LINT0), 0x700, "virtual wire: ExtINT, unmasked");
    cr_assert_eq(rd(LVT_LINT1), 0x10000);
    cr_assert_eq(rd(LVT_ERROR), 0x10000);
    cr_assert_eq(rd(TIMER_CUR), 0);
    cr_assert(cpu->apic_base_changed != NULL && cpu->apic_opaque == apic);
    cr_assert(!hard());
}

Test(pc_intc_apic, fixed_message_through_irr_isr_and_eoi)
{
    enable();
    send(0x41, false);
    cr_assert(bit(IRR, 0x41));
    cr_assert(hard());
    cr_assert_eq(apic_intr_ack(apic), 0x41);
    cr_assert(!bit(IRR, 0x41));
    cr_assert(bit(ISR, 0x41));
    cr_assert(!hard());
    cr_assert_eq(rd(PPR), 0x40);
    wr(EOI, 0);
    cr_assert(!bit(ISR, 0x41));
    cr_assert_eq(neois, 0, "edge: no EOI broadcast");
    cr_assert_eq(apic_intr_ack(apic), -1, "nothing left");
}

Test(pc_intc_apic, software_disabled_holds_requests)
{
    send(0x50, false);
    cr_assert(bit(IRR, 0x50));
    cr_assert(!hard());
    enable();
    cr_assert(hard());
    cr_assert_eq(apic_intr_ack(apic), 0x50);
}

Test(pc_intc_apic, highest_vector_first)
{
    enable();
    send(0x40, false);
    send(0x80, false);
    cr_assert_eq(apic_intr_ack(apic), 0x80);
    cr_assert(!hard(), "0x40 is below the class in service");
    wr(EOI, 0);
    cr_assert(hard());
    cr_assert_eq(apic_intr_ack(apic), 0x40);
}

Test(pc_intc_apic, task_priority_gates_delivery)
{
    enable();
    wr(TPR, 0x50);
    cr_assert_eq(rd(PPR), 0x50);
    send(0x45, false);
    cr_assert(!hard(), "class 4 <= TPR class 5");
    send(0x61, false);
    cr_assert(hard());
    cr_assert_eq(rd(APR), 0x60);
    cr_assert_eq(apic_intr_ack(apic), 0x61);
    cr_assert_eq(rd(PPR), 0x60, "in-service class above TPR");
    send(0x65, false);
    cr_assert(!hard(), "same class as in service");
    wr(TPR, 0);
    cr_assert(!hard());
    wr(EOI, 0);
    cr_assert(hard());
    cr_assert_eq(apic_intr_ack(apic), 0x65);
    wr(EOI, 0);
    cr_assert_eq(apic_intr_ack(apic), 0x45);
}

Test(pc_intc_apic, level_eoi_is_broadcast)
{
    enable();
    send(0x51, true);
    cr_assert(bit(TMR, 0x51));
    cr_assert_eq(apic_intr_ack(apic), 0x51);
    wr(EOI, 0);
    cr_assert_eq(neois, 1);
    cr_assert_eq(eois[0], 0x51);
}

Test(pc_intc_apic, one_shot_timer)
{
    enable();
    wr(LVT_TIMER, 0x40);
    wr(TIMER_DIV, 0xb); /* divide by 1: one count per ns */
    wr(TIMER_INIT, 1000);
    cr_assert_eq(rd(TIMER_CUR), 1000);
    advance(400);
    cr_assert_eq(rd(TIMER_CUR), 600);
    cr_assert(!hard());
    advance(599);
    cr_assert(!hard(), "one count left");
    advance(1);
    cr_assert_eq(rd(TIMER_CUR), 0);
    cr_assert(hard());
    cr_assert_eq(apic_intr_ack(apic), 0x40);
    wr(EOI, 0);
    advance(5000);
    cr_assert(!hard(), "one-shot fires once");
    cr_assert_eq(rd(TIMER_CUR), 0);
}

Test(pc_intc_apic, periodic_timer_and_divider)
{
    enable();
    wr(LVT_TIMER, 0x20042); /* periodic, vector 0x42 */
    wr(TIMER_DIV, 0x0);     /* divide by 2 */
    wr(TIMER_INIT, 1000);   /* period 2000 ns */
    advance(500);
    cr_assert_eq(rd(TIMER_CUR), 750);
    for (int i = 0; i < 3; i++) {
        advance(1499);
        cr_assert(!hard(), "period %d not over", i);
        advance(1);
        cr_assert(hard(), "period %d", i);
        cr_assert_eq(apic_intr_ack(apic), 0x42);
        wr(EOI, 0);
        cr_assert_eq(rd(TIMER_CUR), 1000, "reloaded");
        advance(500);
    }
    wr(TIMER_DIV, 0x3); /* divide by 16 */
    cr_assert_eq(rd(TIMER_CUR), 750, "count kept across a divider change");
    advance(1600);
    cr_assert_eq(rd(TIMER_CUR), 650);
}

Test(pc_intc_apic, masked_timer_counts_silently)
{
    enable();
    wr(LVT_TIMER, 0x10040);
    wr(TIMER_DIV, 0xb);
    wr(TIMER_INIT, 100);
    advance(200);
    cr_assert_eq(rd(TIMER_CUR), 0);
    cr_assert(!hard());
    cr_assert(!bit(IRR, 0x40));
}

Test(pc_intc_apic, lint0_extint_takes_the_pic_vector)
{
    Device *pic = i8259_create(&M, &io, apic_lint(apic, 0));
    apic_set_extint_source(apic, i8259_acknowledge, pic);
    uint8_t icw[] = {0x11, 0x08, 0x04, 0x01};
    for (int i = 0; i < 4; i++)
        address_space_write_val(&io_as, 0x20 + (i > 0), 1, false, icw[i]);
    irq_set(i8259_input(pic, 1), 1);
    cr_assert(hard(), "virtual wire at reset, SVR still disabled");
    cr_assert_eq(apic_intr_ack(apic), 0x09);
    cr_assert(!hard());
    cr_assert_eq(rd(ISR + 0x00), 0, "ExtINT bypasses ISR");
    address_space_write_val(&io_as, 0x20, 1, false, 0x20);

    enable();
    wr(LVT_LINT0, 0x10700); /* masked */
    irq_set(i8259_input(pic, 1), 0);
    irq_set(i8259_input(pic, 1), 1);
    cr_assert(!hard(), "masked LINT0 keeps the PIC out");
    wr(LVT_LINT0, 0x00700);
    cr_assert(hard());
    send(0x90, false);
    cr_assert_eq(apic_intr_ack(apic), 0x90, "APIC vectors first");
    cr_assert_eq(apic_intr_ack(apic), 0x09);
}

Test(pc_intc_apic, global_disable_and_relocation)
{
    Device *pic = i8259_create(&M, &io, apic_lint(apic, 0));
    apic_set_extint_source(apic, i8259_acknowledge, pic);
    enable();
    wr(TPR, 0x30);
    wr(LVT_LINT0, 0x10700);
    cpu->apic_base = 0xfee00000;
    cpu->apic_base_changed(cpu->apic_opaque, cpu->apic_base);
    uint64_t v;
    cr_assert_eq(address_space_read_val(&as, APIC + VER, 4, false, &v), MEMTX_DECODE_ERROR,
                 "page gone while disabled");
    uint8_t icw[] = {0x11, 0x08, 0x04, 0x01};
    for (int i = 0; i < 4; i++)
        address_space_write_val(&io_as, 0x20 + (i > 0), 1, false, icw[i]);
    irq_set(i8259_input(pic, 3), 1);
    cr_assert(hard(), "PIC INTR goes straight to the cpu");
    cr_assert_eq(apic_intr_ack(apic), 0x0b);
    irq_set(apic_lint(apic, 1), 1);
    cr_assert(nmi(), "LINT1 is the NMI pin");

    cpu->apic_base = 0xfed00900;
    cpu->apic_base_changed(cpu->apic_opaque, cpu->apic_base);
    cr_assert_eq(address_space_read_val(&as, 0xfed00000 + VER, 4, false, &v), MEMTX_OK);
    cr_assert_eq(v, 0x00050014);
    cr_assert_eq(address_space_read_val(&as, 0xfed00000 + TPR, 4, false, &v), MEMTX_OK);
    cr_assert_eq(v, 0, "power-up state after a global disable");
    cr_assert_eq(address_space_read_val(&as, 0xfed00000 + LVT_LINT0, 4, false, &v), MEMTX_OK);
    cr_assert_eq(v, 0x10000);
    cr_assert_eq(address_space_read_val(&as, APIC + VER, 4, false, &v), MEMTX_DECODE_ERROR,
                 "moved away");
}

Test(pc_intc_apic, esr_write_before_read)
{
    enable();
    wr(LVT_ERROR, 0x000000fe);
    send(0x05, false);
    cr_assert_eq(rd(ESR), 0, "not latched yet");
    cr_assert(hard(), "error interrupt");
    cr_assert_eq(apic_intr_ack(apic), 0xfe);
    wr(ESR, 0);
    cr_assert_eq(rd(ESR), 0x40, "received illegal vector");
    wr(ESR, 0);
    cr_assert_eq(rd(ESR), 0);
}

Test(pc_intc_apic, self_ipis)
{
    enable();
    wr(ICR_LO, 0x00040031); /* self, fixed, vector 0x31 */
    cr_assert(bit(IRR, 0x31));
    cr_assert_eq(rd(ICR_LO) & 0x1000, 0, "delivery status idle");
    wr(ICR_HI, 0x00000000);
    wr(ICR_LO, 0x00000400); /* NMI to APIC 0 */
    cr_assert(nmi());
    cpu_reset_interrupt(&cpu->common, CPU_INTERRUPT_NMI);
    wr(ICR_HI, 0x05000000);
    wr(ICR_LO, 0x00000400); /* NMI to APIC 5: nobody */
    cr_assert(!nmi());
    wr(ICR_LO, 0x000c0033); /* all but self */
    cr_assert(!bit(IRR, 0x33));
}

Test(pc_intc_apic, lint1_nmi_and_logical_destinations)
{
    enable();
    wr(LVT_LINT1, 0x400);
    irq_set(apic_lint(apic, 1), 1);
    cr_assert(nmi());
    wr(LDR, 0x02000000);
    ApicMessage msg = {
        .dest = 0x03, .dest_logical = true, .delivery_mode = APIC_DM_LOWPRI, .vector = 0x60};
    apic_deliver(apic, &msg);
    cr_assert(bit(IRR, 0x60), "flat model, bit 1 of the set");
    msg.dest = 0x04;
    msg.vector = 0x61;
    apic_deliver(apic, &msg);
    cr_assert(!bit(IRR, 0x61));
    wr(DFR, 0x0fffffff); /* cluster model: cluster 0, member bit 1 */
    msg.dest = 0x02;
    apic_deliver(apic, &msg);
    cr_assert(bit(IRR, 0x61));
}

Test(pc_intc_apic, timer_survives_save_and_load)
{
    enable();
    wr(LVT_TIMER, 0x40);
    wr(TIMER_DIV, 0xb);
    wr(TIMER_INIT, 1000);
    advance(300);
    size_t len = vmstate_save(apic, NULL, 0);
    uint8_t *buf = malloc(len);
    vmstate_save(apic, buf, len);
    wr(TIMER_INIT, 0);
    wr(SVR, 0xff);
    char err[128];
    cr_assert(vmstate_load(apic, buf, len, err, sizeof err), "%s", err);
    free(buf);
    cr_assert_eq(rd(TIMER_CUR), 700);
    advance(700);
    cr_assert(hard(), "the restored timer fires");
}

Test(pc_intc_apic, level_triggered_fixed_lint0_uses_remote_irr)
{
    enable();
    wr(LVT_LINT0, 0x8035); /* fixed, level, vector 0x35 */
    irq_set(apic_lint(apic, 0), 1);
    cr_assert(bit(IRR, 0x35));
    cr_assert(bit(TMR, 0x35));
    cr_assert_eq(rd(LVT_LINT0), 0xc035, "remote IRR set");
    cr_assert_eq(apic_intr_ack(apic), 0x35);
    wr(EOI, 0);
    cr_assert_eq(neois, 1, "level EOI broadcast");
    cr_assert(bit(IRR, 0x35), "still asserted: accepted again");
    cr_assert_eq(apic_intr_ack(apic), 0x35);
    irq_set(apic_lint(apic, 0), 0);
    wr(EOI, 0);
    cr_assert_eq(rd(LVT_LINT0), 0x8035, "remote IRR clear");
    cr_assert(!hard());
}

static int fake_pic_ack(void *opaque)
{
    return 0x77;
}

Test(pc_intc_apic, extint_message_takes_vector_from_the_pic)
{
    enable();
    apic_set_extint_source(apic, fake_pic_ack, NULL);
    ApicMessage msg = {.dest = 0, .delivery_mode = APIC_DM_EXTINT};
    apic_deliver(apic, &msg);
    cr_assert(hard());
    cr_assert_eq(apic_intr_ack(apic), 0x77);
    cr_assert(!hard(), "one message, one vector");
    cr_assert_eq(rd(ISR + 0x30), 0, "not in service at the APIC");
}
