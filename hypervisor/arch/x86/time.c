/*
 * pvx: time on x86. System time is nanoseconds since boot, read from the
 * TSC; the PIT calibrates the TSC at boot and, on channel 0, is the one
 * hardware timer (IRQ0, one-shot); the CMOS RTC gives the wallclock.
 *
 * Invariants:
 *  - NOW() = stamp.stime + scale(rdtsc() - stamp.tsc), with the scale
 *    (tsc_to_system_mul, tsc_shift) that every vcpu_time_info carries, and
 *    the running vCPU's vcpu_time_info holds exactly `stamp`. A guest
 *    applying Xen's formula therefore computes the same nanoseconds as
 *    NOW() for the same TSC value: a timer that fired at NOW() >= deadline
 *    is never early in the guest's eyes.
 *  - The stamp moves forward once a second (stamp_timer) to a point on
 *    the same line, so NOW() never goes backwards and the TSC delta a guest
 *    must scale stays below about a second (below 2^32 ticks up to 4 GHz).
 *  - PIT channel 0 is armed (and IRQ0 unmasked) for the earliest timer
 *    deadline, at most ~54.9 ms ahead (after a clamped expiry timers_run()
 *    finds nothing due and arms it again); IRQ0 is masked when no timer is
 *    active. An early or stray IRQ0 is harmless: timers_run() checks NOW().
 * The hypervisor runs with interrupts off, so none of this needs locking.
 */
#include <pvx/lib.h>
#include <pvx/arch.h>
#include <pvx/domain.h>
#include <pvx/time.h>
#include <pvx/timer.h>
#include <public/xen.h>
#include <asm/io.h>
#include <asm/regs.h>
#include <asm/setup.h>
#include <asm/vcpu.h>

#define PIT_HZ 1193182ull
#define PIT_CH0 0x40
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_B 0x61                  /* bit 0: channel 2 gate, 1: speaker, 5: OUT2 */
#define PIT_MAX_TICKS 0xFFFFull      /* ~54.9 ms */
#define CALIBRATE_MS 20
#define NSEC_PER_SEC 1000000000ull
#define STAMP_PERIOD MILLISECS(1000)

#define CMOS_ADDR 0x70
#define CMOS_DATA 0x71

#define barrier() __asm__ volatile("" ::: "memory")

/* ns = ((tsc_delta << shift) or >> -shift) * mul >> 32, as Xen's scale_delta. */
struct time_scale {
    uint32_t mul;
    int8_t shift;
};

/* The TSC frequency calibrated at boot (sysctl physinfo reports it). */
uint32_t cpu_khz;

static struct time_scale tsc_scale;
static struct { uint64_t tsc; s_time_t stime; } stamp;
static uint64_t wc_sec_at_0;         /* wallclock at system time 0 */
static uint32_t wc_nsec_at_0;
static struct timer stamp_timer;
static bool irq0_unmasked;

static uint64_t scale_delta(uint64_t delta, const struct time_scale *s)
{
    if (s->shift < 0)
        delta >>= -s->shift;
    else
        delta <<= s->shift;
    return (uint64_t)(((unsigned __int128)delta * s->mul) >> 32);
}

/* Xen's set_time_scale(): normalise ticks_per_sec into (1e9, 2e9] with a
 * power-of-two shift, then mul = 1e9 * 2^32 / that. */
static struct time_scale make_time_scale(uint64_t ticks_per_sec)
{
    int shift = 0;
    while (ticks_per_sec > 2 * NSEC_PER_SEC) {
        ticks_per_sec >>= 1;
        shift--;
    }
    uint32_t tps32 = (uint32_t)ticks_per_sec;
    while (tps32 <= NSEC_PER_SEC) {
        tps32 <<= 1;
        shift++;
    }
    return (struct time_scale){ .mul = (uint32_t)((NSEC_PER_SEC << 32) / tps32), .shift = (int8_t)shift };
}

/* NOW: see pvx/time.h. */
s_time_t NOW(void)
{
    return stamp.stime + (s_time_t)scale_delta(rdtsc() - stamp.tsc, &tsc_scale);
}

/* Count TSC ticks over CALIBRATE_MS of PIT channel 2 (mode 0: OUT2 rises
 * at the terminal count), as Xen and Linux do. */
static uint64_t calibrate_tsc(void)
{
    const uint32_t latch = (uint32_t)(PIT_HZ * CALIBRATE_MS / 1000);
    uint8_t port_b = inb(PORT_B);
    outb(PORT_B, (port_b & ~0x02) | 0x01);        /* gate on, speaker off */
    outb(PIT_CMD, 0xB0);                          /* channel 2, lo/hi byte, mode 0 */
    outb(PIT_CH2, latch & 0xff);
    outb(PIT_CH2, latch >> 8);
    uint64_t start = rdtsc();
    unsigned long spins = 0;
    while (!(inb(PORT_B) & 0x20))
        if (++spins > 100000000ul)
            panic("time: PIT channel 2 never reached its terminal count");
    uint64_t end = rdtsc();
    outb(PORT_B, port_b & ~0x03);                 /* gate off */
    return (end - start) * PIT_HZ / latch;
}

/* ---- wallclock from the CMOS RTC ---- */

struct rtc_time { unsigned int sec, min, hour, day, mon, year, century; };

static uint8_t cmos_read(uint8_t reg)
{
    outb(CMOS_ADDR, reg);
    return inb(CMOS_DATA);
}

/* One read of the date registers once no update is in progress. */
static void cmos_read_raw(struct rtc_time *t)
{
    for (unsigned long i = 0; i < 10000000ul && (cmos_read(0x0A) & 0x80); i++)
        ;                                          /* UIP: an update is under way */
    *t = (struct rtc_time){
        .sec = cmos_read(0x00), .min = cmos_read(0x02), .hour = cmos_read(0x04),
        .day = cmos_read(0x07), .mon = cmos_read(0x08), .year = cmos_read(0x09),
        .century = cmos_read(0x32),
    };
}

static unsigned int bcd(unsigned int v)
{
    return (v & 0x0f) + (v >> 4) * 10;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned int yoe = (unsigned int)(y - era * 400);
    unsigned int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* The RTC's time in seconds since the epoch (UTC, as QEMU's default), or 0
 * if the registers make no sense. Read until two reads agree, so an update
 * between registers cannot tear it; decode BCD and 12-hour mode. */
static uint64_t cmos_time(void)
{
    struct rtc_time t, again;
    cmos_read_raw(&t);
    for (int tries = 0; tries < 5; tries++) {
        cmos_read_raw(&again);
        if (!memcmp(&t, &again, sizeof(t)))
            break;
        t = again;
    }
    uint8_t status_b = cmos_read(0x0B);
    bool pm = t.hour & 0x80;
    t.hour &= 0x7f;
    if (!(status_b & 0x04)) {                      /* BCD, not binary */
        t.sec = bcd(t.sec); t.min = bcd(t.min); t.hour = bcd(t.hour);
        t.day = bcd(t.day); t.mon = bcd(t.mon); t.year = bcd(t.year);
        t.century = bcd(t.century);
    }
    if (!(status_b & 0x02))                        /* 12-hour clock: 12 am is 0 */
        t.hour = t.hour % 12 + (pm ? 12 : 0);
    unsigned int year = (t.century >= 19 && t.century <= 30) ? t.century * 100 + t.year
                        : t.year + (t.year < 70 ? 2000 : 1900);
    if (t.sec > 59 || t.min > 59 || t.hour > 23 || t.day < 1 || t.day > 31 ||
        t.mon < 1 || t.mon > 12 || t.year > 99) {
        printk("time: CMOS clock unreadable (%02u-%02u-%02u %02u:%02u:%02u): wallclock starts at 0\n",
               t.year, t.mon, t.day, t.hour, t.min, t.sec);
        return 0;
    }
    printk("time: CMOS clock %04u-%02u-%02u %02u:%02u:%02u\n", year, t.mon, t.day,
           t.hour, t.min, t.sec);
    return (uint64_t)(days_from_civil(year, t.mon, t.day) * 86400 +
                      t.hour * 3600 + t.min * 60 + t.sec);
}

/* update_domain_wallclock: see pvx/time.h. Xen's seqlock: wc_version is
 * odd while the fields change (the guest may have written it: force odd). */
void update_domain_wallclock(struct domain *d)
{
    struct shared_info *si = arch_mfn_to_virt(d->shared_info_mfn);
    volatile uint32_t *version = &si->wc_version;
    *version = (*version + 1) | 1;
    barrier();
    si->wc_sec = (uint32_t)wc_sec_at_0;
    si->arch.wc_sec_hi = (uint32_t)(wc_sec_at_0 >> 32);
    si->wc_nsec = wc_nsec_at_0;
    barrier();
    *version = *version + 1;
}

/* update_vcpu_system_time: see pvx/time.h. Publishes the current stamp
 * (not a fresh reading), so guest and NOW() use identical inputs. */
void update_vcpu_system_time(struct vcpu *v)
{
    if (!v->arch)
        return;
    volatile struct vcpu_time_info *t = &v->arch->vcpu_info->time;
    t->version = (t->version + 1) | 1;
    barrier();
    t->tsc_timestamp = stamp.tsc;
    t->system_time = (uint64_t)stamp.stime;
    t->tsc_to_system_mul = tsc_scale.mul;
    t->tsc_shift = tsc_scale.shift;
    t->flags = 0;
    barrier();
    t->version = t->version + 1;
}

/* Once a second: move the stamp to now (a point on the same line) and
 * republish it to the running vCPU; others get it when they are loaded. */
static void stamp_timer_fn(void *unused)
{
    (void)unused;
    uint64_t tsc = rdtsc();
    stamp.stime += (s_time_t)scale_delta(tsc - stamp.tsc, &tsc_scale);
    stamp.tsc = tsc;
    if (current)
        update_vcpu_system_time(current);
    timer_set(&stamp_timer, stamp.stime + STAMP_PERIOD);
}

/* ---- the one hardware timer: PIT channel 0, one-shot, IRQ0 ---- */

/* arch_timer_program: see pvx/time.h. Mode 0 counts down once and raises
 * IRQ0; a deadline beyond the PIT's reach is clamped (the early interrupt
 * finds nothing due and programs the rest), a past one fires after a tick. */
void arch_timer_program(s_time_t deadline)
{
    if (deadline == STIME_MAX) {
        if (irq0_unmasked)
            i8259_mask_irq(0);
        irq0_unmasked = false;
        return;
    }
    s_time_t now = NOW();
    uint64_t ticks = 1;
    if (deadline > now) {
        /* Clamped first: the PIT cannot reach further, and the product
         * must not overflow. */
        uint64_t delta = deadline - now < MILLISECS(60) ? (uint64_t)(deadline - now) : MILLISECS(60);
        ticks = (delta * PIT_HZ + NSEC_PER_SEC - 1) / NSEC_PER_SEC;
    }
    if (ticks > PIT_MAX_TICKS)
        ticks = PIT_MAX_TICKS;
    outb(PIT_CMD, 0x30);                           /* channel 0, lo/hi byte, mode 0 */
    outb(PIT_CH0, ticks & 0xff);
    outb(PIT_CH0, ticks >> 8);
    if (!irq0_unmasked)
        i8259_unmask_irq(0);
    irq0_unmasked = true;
}

/* IRQ0 (vector 0x20), from entry.S with interrupts off. */
void handle_timer_interrupt(struct cpu_regs *regs)
{
    (void)regs;
    i8259_eoi(0);
    timers_run();
}

/* time_init: see asm/setup.h. */
void time_init(void)
{
    uint64_t tsc_hz = calibrate_tsc();
    cpu_khz = (uint32_t)(tsc_hz / 1000);
    if (tsc_hz == 0)
        panic("time: the TSC does not count");
    tsc_scale = make_time_scale(tsc_hz);
    stamp.tsc = rdtsc();
    stamp.stime = 0;
    printk("time: TSC %llu.%03llu MHz (PIT, %u ms), scale mul %u shift %d\n",
           (unsigned long long)(tsc_hz / 1000000), (unsigned long long)(tsc_hz / 1000 % 1000),
           CALIBRATE_MS, tsc_scale.mul, tsc_scale.shift);

    uint64_t rtc = cmos_time();
    uint64_t now = (uint64_t)NOW();
    uint64_t wc_ns = rtc * NSEC_PER_SEC - now;     /* wallclock at system time 0 */
    if (rtc * NSEC_PER_SEC < now)
        wc_ns = 0;
    wc_sec_at_0 = wc_ns / NSEC_PER_SEC;
    wc_nsec_at_0 = (uint32_t)(wc_ns % NSEC_PER_SEC);

    timer_init(&stamp_timer, stamp_timer_fn, NULL);
    timer_set(&stamp_timer, STAMP_PERIOD);
}
